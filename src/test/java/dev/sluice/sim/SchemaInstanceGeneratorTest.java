package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("JSON Schema instances for tool arguments and json_schema answers")
class SchemaInstanceGeneratorTest {
    private static final PromptFacts NO_FACTS = PromptFacts.of("");

    private static JsonNode schema(String json) {
        return Json.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static String instance(String schemaJson, PromptFacts facts) {
        return SchemaInstanceGenerator.instance(schema(schemaJson), facts).toString();
    }

    @Test
    @DisplayName("fills only required properties when some are required, and all of them when none are")
    void requiredOrAll() {
        String props = "'properties':{'a':{'type':'string'},'b':{'type':'integer'}}";
        assertThat(instance("{'type':'object'," + props + ",'required':['b']}", NO_FACTS)).isEqualTo("{\"b\":1}");
        assertThat(instance("{'type':'object'," + props + "}", NO_FACTS)).isEqualTo("{\"a\":\"example\",\"b\":1}");
    }

    @Test
    @DisplayName("uses 1 for numbers, true for booleans, the first enum value, a const, and one array item")
    void scalars() {
        assertThat(instance("{'type':'number'}", NO_FACTS)).isEqualTo("1");
        assertThat(instance("{'type':'boolean'}", NO_FACTS)).isEqualTo("true");
        assertThat(instance("{'type':'string','enum':['x','y']}", NO_FACTS)).isEqualTo("\"x\"");
        assertThat(instance("{'const':'fixed'}", NO_FACTS)).isEqualTo("\"fixed\"");
        assertThat(instance("{'type':'array','items':{'type':'integer'}}", NO_FACTS)).isEqualTo("[1]");
        assertThat(instance("{'type':'array','items':{'type':'boolean'},'minItems':2}", NO_FACTS)).isEqualTo("[true,true]");
    }

    @Test
    @DisplayName("moves numbers into their minimum and maximum")
    void bounds() {
        assertThat(instance("{'type':'integer','minimum':5}", NO_FACTS)).isEqualTo("5");
        assertThat(instance("{'type':'integer','exclusiveMinimum':5}", NO_FACTS)).isEqualTo("6");
        assertThat(instance("{'type':'number','maximum':0.5}", NO_FACTS)).isEqualTo("0.5");
    }

    @Test
    @DisplayName("resolves local $refs, nullable types and anyOf, and recurses into nested objects")
    void structure() {
        String schema = "{'type':'object','properties':{'home':{'$ref':'#/$defs/Address'},"
                + "'note':{'type':['null','string']},'id':{'anyOf':[{'type':'null'},{'type':'integer'}]}},"
                + "'$defs':{'Address':{'type':'object','properties':{'city':{'type':'string'},"
                + "'zip':{'type':'string'}},'required':['city']}}}";

        assertThat(instance(schema, PromptFacts.of("I live in Porto.")))
                .isEqualTo("{\"home\":{\"city\":\"Porto\"},\"note\":\"example\",\"id\":1}");
    }

    @Test
    @DisplayName("stops recursing on a self-referencing schema")
    void recursion() {
        String schema = "{'type':'object','properties':{'child':{'$ref':'#'}},'required':['child']}";

        assertThat(instance(schema, NO_FACTS)).contains("\"child\":{\"child\":").contains("example");
    }

    @Test
    @DisplayName("takes place and name strings from the prompt's proper nouns in order, and queries from its text")
    void fromPrompt() {
        PromptFacts facts = PromptFacts.of("Book a flight from New York to Paris, please.");
        String schema = "{'type':'object','properties':{'origin':{'type':'string'},'destination':{'type':'string'},"
                + "'query':{'type':'string'},'seat':{'type':'string'}}}";

        JsonNode args = SchemaInstanceGenerator.instance(schema(schema), facts);

        assertThat(args.path("origin").asText()).isEqualTo("New York");
        assertThat(args.path("destination").asText()).isEqualTo("Paris");
        assertThat(args.path("query").asText()).isEqualTo("Book a flight from New York to Paris, please.");
        assertThat(args.path("seat").asText()).isEqualTo("example");
    }

    @Test
    @DisplayName("gives strings with a format a value of that format")
    void formats() {
        assertThat(instance("{'type':'string','format':'date'}", NO_FACTS)).isEqualTo("\"2025-01-01\"");
        assertThat(instance("{'type':'string','format':'email'}", NO_FACTS)).isEqualTo("\"user@example.com\"");
    }

    @Test
    @DisplayName("gives an empty object for a tool without parameters")
    void noSchema() {
        assertThat(SchemaInstanceGenerator.instance(null, NO_FACTS).toString()).isEqualTo("{}");
    }
}
