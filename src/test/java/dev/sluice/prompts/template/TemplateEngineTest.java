package dev.sluice.prompts.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.prompts.template.TemplateException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Prompt templates (Jinja, sandboxed)")
class TemplateEngineTest {
    private final TemplateEngine strict = TemplateEngine.strict();

    @Test
    @DisplayName("Jinja as prompt authors write it: elif, 1-based loop.index, filters, inline if, trimmed block lines")
    void jinja() {
        String source = """
                Hello {{ name | upper }}.
                {% if tier == "gold" %}
                Be extra polite.
                {% elif tier == "silver" %}
                Be polite.
                {% else %}
                Be brief.
                {% endif %}
                {% for d in docs %}
                {{ loop.index }}. {{ d.title }}{{ "," if not loop.last else "." }}
                {% endfor %}
                Tags: {{ tags | join(", ") }}; lang {{ language | default("English") }}; {{ meta | tojson }}""";
        String out = strict.render(source, Map.of("name", "ada", "tier", "silver",
                "docs", List.of(Map.of("title", "a"), Map.of("title", "b")), "tags", List.of("x", "y"),
                "meta", Map.of("k", 1)));
        assertThat(out).isEqualTo("""
                Hello ADA.
                Be polite.
                1. a,
                2. b.
                Tags: x, y; lang English; {"k":1}""");
    }

    @Test
    @DisplayName("the variables a caller is expected to give: what the template reads, minus what it binds itself")
    void variables() {
        CompiledTemplate t = strict.compile("""
                {% set greeting = "Hi" %}{{ greeting }} {{ user.name }}
                {% for item in items if item.ok %}{{ item.label | default(fallback) }}{% endfor %}
                {% if extra is defined %}{{ extra }}{% endif %}{{ 'quoted_name' }}{{ range(3) | join }}""");
        assertThat(t.variables()).containsExactly("user", "items", "fallback", "extra");
        assertThat(t.mentions("item")).as("bound names count as mentioned: never reported unused").isTrue();
        assertThat(t.mentions("quoted_name")).isFalse();
    }

    @Test
    @DisplayName("a missing variable is an error naming it and the line; optional ones (is defined, default) are not")
    void missing() {
        CompiledTemplate t = strict.compile("Line one\nHi {{ name }} from {{ city }}");
        TemplateException e = thrown(() -> t.render(Map.of("name", "Ada")));
        assertThat(e.kind()).isEqualTo(Kind.MISSING_VARIABLE);
        assertThat(e.variable()).isEqualTo("city");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("'city'").contains("line 2").contains("uses name, city");

        TemplateException field = thrown(() -> strict.render("{{ user.nmae }}", Map.of("user", Map.of("name", "Ada"))));
        assertThat(field.kind()).isEqualTo(Kind.MISSING_VARIABLE);
        assertThat(field.variable()).isEqualTo("user");
        assertThat(field.getMessage()).contains("user.nmae");

        assertThat(strict.render("{% if x is defined %}{{ x }}{% else %}none{% endif %}/{{ y | default('d') }}", Map.of()))
                .isEqualTo("none/d");
    }

    @Test
    @DisplayName("a variable none of a prompt's templates mentions is an error naming it")
    void unused() {
        CompiledTemplate system = strict.compile("You help {{ company }}.");
        CompiledTemplate user = strict.compile("{{ question }}");
        strict.requireUsed(List.of("company", "question"), List.of(system, user));
        TemplateException e = thrown(() -> strict.requireUsed(List.of("company", "questoin"), List.of(system, user)));
        assertThat(e.kind()).isEqualTo(Kind.UNUSED_VARIABLE);
        assertThat(e.variable()).isEqualTo("questoin");
        assertThat(e.getMessage()).contains("uses company, question");
    }

    @Test
    @DisplayName("values are data: an end user's {{ }} is printed, never evaluated")
    void noInjection() {
        assertThat(strict.render("Q: {{ q }}", Map.of("q", "{{ 7 * 7 }} {% for i in range(3) %}x{% endfor %}")))
                .isEqualTo("Q: {{ 7 * 7 }} {% for i in range(3) %}x{% endfor %}");
        TemplateException e = thrown(() -> strict.render("{{ q | render }}", Map.of("q", "{{ 7 * 7 }}")));
        assertThat(e.kind()).as("the render filter is disabled").isEqualTo(Kind.FORBIDDEN);
    }

    @Test
    @DisplayName("no Java: methods and properties of values, the interpreter and files are out of reach")
    void sandbox() {
        Map<String, Object> vars = Map.of("name", "ada");
        assertThat(thrown(() -> strict.render("{{ name.toUpperCase() }}", vars)).kind()).isEqualTo(Kind.FORBIDDEN);
        assertThat(thrown(() -> strict.render("{{ name.getClass().forName('java.lang.Runtime') }}", vars)).kind())
                .isIn(Kind.FORBIDDEN, Kind.MISSING_VARIABLE);
        assertThat(thrown(() -> strict.render("{{ name.bytes }}", vars)).kind()).isEqualTo(Kind.MISSING_VARIABLE);
        assertThat(thrown(() -> strict.render("{{ name.class.name }}", vars)).kind()).isEqualTo(Kind.MISSING_VARIABLE);
        assertThat(thrown(() -> strict.render("{{ ____int3rpr3t3r____.config }}", Map.of())).kind())
                .isEqualTo(Kind.MISSING_VARIABLE);
        for (String tag : List.of("{% include '/etc/passwd' %}", "{% import 'x.j2' as x %}",
                "{% from 'x.j2' import y %}", "{% extends 'base.j2' %}")) {
            assertThat(thrown(() -> strict.compile(tag)).kind()).as(tag).isEqualTo(Kind.FORBIDDEN);
        }
        assertThat(thrown(() -> TemplateEngine.lenient().render("{{ name.toUpperCase() }}", vars)).kind())
                .as("the lenient engine has the same sandbox").isEqualTo(Kind.FORBIDDEN);
    }

    @Test
    @DisplayName("bounded work: a loop in a loop, and output beyond the limit, stop with a LIMIT error")
    void limits() {
        TemplateException loops = thrown(() -> strict.render(
                "{% for a in range(1000) %}{% for b in range(1000) %}.{% endfor %}{% endfor %}", Map.of()));
        assertThat(loops.kind()).isEqualTo(Kind.LIMIT);
        TemplateException empty = thrown(() -> strict.compile(
                "{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}"));
        assertThat(empty.kind()).as("an empty loop body would spin without rendering anything to count")
                .isEqualTo(Kind.SYNTAX);
        TemplateException output = thrown(() -> strict.render("{% for i in range(1000) %}{{ big }}{% endfor %}",
                Map.of("big", "x".repeat(2_000))));
        assertThat(output.kind()).isEqualTo(Kind.LIMIT);
        assertThat(strict.render("{% for i in range(100) %}{{ i }}{% endfor %}", Map.of())).hasSize(190);
    }

    @Test
    @DisplayName("a syntax error names its line at compile time")
    void syntax() {
        TemplateException e = thrown(() -> strict.compile("ok\n{% if x %}unclosed"));
        assertThat(e.kind()).isEqualTo(Kind.SYNTAX);
        assertThat(e.getMessage()).contains("line");
        assertThat(thrown(() -> strict.compile("{% frobnicate %}")).kind()).isEqualTo(Kind.SYNTAX);
        TemplateException filter = thrown(() -> strict.render("{{ q | nosuchfilter }}", Map.of("q", "x")));
        assertThat(filter.getMessage()).contains("unknown");
    }

    @Test
    @DisplayName("the lenient engine renders undefined names as empty text and accepts extra variables")
    void lenient() {
        TemplateEngine lenient = TemplateEngine.lenient();
        CompiledTemplate t = lenient.compile("[{{ missing }}]");
        lenient.requireUsed(List.of("extra"), List.of(t));
        assertThat(t.render(Map.of("extra", 1))).isEqualTo("[]");
    }

    @Test
    @DisplayName("one compiled template renders correctly from many threads at once")
    void concurrent() throws Exception {
        CompiledTemplate t = strict.compile("{% for x in xs %}{{ who }}{{ x }}{% endfor %}");
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                String who = "t" + thread;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        if (!t.render(Map.of("who", who, "xs", List.of(i, i + 1))).equals(who + i + who + (i + 1))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        }
    }

    private static TemplateException thrown(ThrowingCallable call) {
        return (TemplateException) assertThatThrownBy(call).isInstanceOf(TemplateException.class).actual();
    }
}
