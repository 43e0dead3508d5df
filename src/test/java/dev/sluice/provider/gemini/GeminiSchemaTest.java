package dev.sluice.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("JSON Schemas are reduced to the OpenAPI subset Gemini accepts")
class GeminiSchemaTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"string\",\"format\":\"email\",\"maxLength\":80}     | {\"type\":\"string\",\"maxLength\":80}",
            "{\"type\":\"string\",\"format\":\"date-time\"}                  | {\"type\":\"string\",\"format\":\"date-time\"}",
            "{\"type\":\"null\"}                                             | {\"nullable\":true}",
            "{\"type\":[\"string\",\"integer\"]}                             | {\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
            "{\"type\":\"integer\",\"enum\":[1,2,3]}                         | {\"type\":\"integer\"}",
            "{\"type\":\"array\",\"items\":[{\"type\":\"string\"}]}          | {\"type\":\"array\",\"items\":{\"type\":\"string\"}}",
            "{\"not\":{\"type\":\"string\"},\"examples\":[1],\"$id\":\"x\"}  | {}",
            "{\"const\":3}                                                   | {}"})
    @DisplayName("single keywords")
    void keywords(String jsonSchema, String gemini) {
        assertThat((JsonNode) GeminiSchema.convert(Fixtures.parse(jsonSchema))).isEqualTo(Fixtures.parse(gemini));
    }

    @Test
    @DisplayName("allOf parts (and $refs inside them) merge into one object")
    void allOf() {
        JsonNode schema = Fixtures.parse("""
                {"definitions":{"Named":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}},
                 "allOf":[{"$ref":"#/definitions/Named"},
                          {"properties":{"age":{"type":"integer"}},"required":["age"]}]}""");

        assertThat((JsonNode) GeminiSchema.convert(schema)).isEqualTo(Fixtures.parse("""
                {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},
                 "required":["name","age"]}"""));
    }

    @Test
    @DisplayName("a recursive $ref is followed to a fixed depth, then stops at a plain object keeping its description")
    void recursiveRef() {
        JsonNode schema = Fixtures.parse("""
                {"$defs":{"Node":{"type":"object","properties":{"child":{"$ref":"#/$defs/Node","description":"next"}}}},
                 "$ref":"#/$defs/Node"}""");

        JsonNode converted = GeminiSchema.convert(schema);

        JsonNode node = converted;
        int depth = 0;
        while (node.path("properties").has("child")) {
            node = node.get("properties").get("child");
            depth++;
        }
        assertThat(depth).isBetween(2, 10);
        assertThat(node).isEqualTo(Fixtures.parse("{\"type\":\"object\",\"description\":\"next\"}"));
    }

    @Test
    @DisplayName("an unresolvable $ref becomes a plain object rather than a key Gemini rejects")
    void unknownRef() {
        assertThat((JsonNode) GeminiSchema.convert(Fixtures.parse("{\"$ref\":\"https://example.com/schema.json\"}")))
                .isEqualTo(Fixtures.parse("{\"type\":\"object\"}"));
    }

    @Test
    @DisplayName("the client's schema is never modified")
    void inputUntouched() {
        JsonNode schema = Fixtures.parse("{\"type\":\"object\",\"additionalProperties\":false,"
                + "\"$defs\":{\"A\":{\"type\":\"string\"}},\"properties\":{\"a\":{\"$ref\":\"#/$defs/A\"}}}");
        JsonNode before = schema.deepCopy();

        GeminiSchema.convert(schema);

        assertThat(schema).isEqualTo(before);
    }
}
