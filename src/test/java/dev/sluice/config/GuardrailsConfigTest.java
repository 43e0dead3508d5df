package dev.sluice.config;

import dev.sluice.app.Registries;
import dev.sluice.guard.answer.AnswerScannerTypes;
import dev.sluice.guard.injection.InjectionScannerType;
import dev.sluice.guard.pii.PiiScannerType;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


@DisplayName("The guardrails: config section")
class GuardrailsConfigTest {
    private final ConfigLoader loader = Registries.configLoader(Map.of());

    private static final String BASE = """
            providers:
              openai: {type: openai}
            models:
              gpt-4o: {provider: openai}
              judge: {provider: openai}
            """;

    private SluiceConfig parse(String guardrails) {
        return loader.parse(BASE + guardrails, "sluice.yaml");
    }

    @Test
    @DisplayName("absent means off")
    void absent() {
        assertThat(parse("").guardrails().enabled()).isFalse();
    }

    @Test
    @DisplayName("input_scan: before by default, parallel guardrails-wide or per policy; parallel_scans bounded; an unknown value says what is known")
    void inputScan() {
        GuardrailsConfig defaults = parse("""
                guardrails:
                  policies:
                    default: {input: {prompt_injection: block}}
                """).guardrails();
        assertThat(defaults.inputScan()).isEqualTo("before");
        assertThat(defaults.parallelScans()).isEqualTo(2 * Runtime.getRuntime().availableProcessors());
        assertThat(defaults.policies().get("default").inputScan()).isNull();
        GuardrailsConfig g = parse("""
                guardrails:
                  input_scan: parallel
                  parallel_scans: 3
                  policies:
                    default: {input: {prompt_injection: block}}
                    careful: {input_scan: before, input: {prompt_injection: block}}
                """).guardrails();
        assertThat(g.inputScan()).isEqualTo("parallel");
        assertThat(g.parallelScans()).isEqualTo(3);
        assertThat(g.policies().get("careful").inputScan()).isEqualTo("before");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default: {input_scan: paralel, input: {prompt_injection: block}}
                """)).hasMessageContaining("unknown input scan 'paralel'").hasMessageContaining("parallel");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  parallel_scans: 0
                  policies:
                    default: {input: {prompt_injection: block}}
                """)).hasMessageContaining("parallel_scans");
    }

    @Test
    @DisplayName("short and long rule forms, options, bindings and the implicit default policy")
    void parses() {
        GuardrailsConfig g = parse("""
                guardrails:
                  redaction: mask
                  stream_holdback: 64
                  teams: {support: strict}
                  policies:
                    default:
                      input:
                        pii: redact
                        prompt_injection: {action: block, threshold: 0.7, classifier: false}
                      output:
                        json_schema: {action: block, reask: true}
                    strict:
                      input:
                        pii: {action: block, entities: [email, iban], phone_regions: [us], custom: [{name: employee_id, pattern: 'EMP-\\d{6}'}]}
                """).guardrails();
        assertThat(g.enabled()).isTrue();
        assertThat(g.redaction()).isEqualTo("mask");
        assertThat(g.defaultPolicy()).isEqualTo("default");
        assertThat(g.teams()).containsEntry("support", "strict");
        var injection = g.policies().get("default").input().get(1);
        assertThat(injection.threshold()).isEqualTo(0.7);
        assertThat(injection.options()).isEqualTo(new InjectionScannerType.Options(true, true, true, false, false, false, false,
                dev.sluice.guard.injection.TunedInjectionEncoder.Precision.INT8));
        var strict = (PiiScannerType.Options) g.policies().get("strict").input().getFirst().options();
        assertThat(strict.entities()).containsExactly("email", "iban");
        assertThat(strict.phoneRegions()).containsExactly("US");
        assertThat(strict.custom()).containsExactly(new NamedPattern("employee_id", "EMP-\\d{6}"));
        assertThat(g.policies().get("default").output().getFirst().options())
                .isEqualTo(new AnswerScannerTypes.SchemaOptions(true));
        var shortForm = (PiiScannerType.Options) g.policies().get("default").input().getFirst().options();
        assertThat(shortForm.entities()).isEqualTo(PiiScannerType.ENTITIES);
    }

    @Test
    @DisplayName("mistakes stop start-up with the line and the fix")
    void errors() {
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default:
                      input:
                        pii_scanner: block
                """)).hasMessageContaining("sluice.yaml:10: guardrails.policies.default.input.pii_scanner: unknown scanner 'pii_scanner'");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default:
                      output:
                        prompt_injection: block
                """)).hasMessageContaining("does not run on the output");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default:
                      input:
                        prompt_injection: redact
                """)).hasMessageContaining("finds no spans to redact").hasMessageContaining("use block or flag");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default:
                      input:
                        banned: {action: block, patterns: ["(unclosed"]}
                """)).hasMessageContaining("is not a pattern Sluice can run");
        // look-arounds and back-references can take exponential time: RE2 refuses them at load
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default:
                      input:
                        secrets: {action: block, custom: [{name: internal_token, pattern: 'tok_(?=[a-z])\\w+'}]}
                """)).hasMessageContaining("is not a pattern Sluice can run").hasMessageContaining("RE2 syntax");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  scan_budget: 2s
                  on_budget_exceeded: wait
                  policies:
                    default:
                      input: {pii: redact}
                """)).hasMessageContaining("unknown action 'wait'").hasMessageContaining("use block");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  keys: {key_abc: strict}
                  policies:
                    default:
                      input: {pii: redact}
                """)).hasMessageContaining("guardrails.keys.key_abc: the policy 'strict' is not defined");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default:
                      output:
                        judge: {action: flag, model: gpt-5}
                """)).hasMessageContaining("the judge model 'gpt-5' is not configured");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default:
                      input:
                        pii: {action: redact, entities: [email, passport]}
                """)).hasMessageContaining("unknown type 'passport'");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default:
                      input:
                        pii: {action: shred}
                """)).hasMessageContaining("unknown action 'shred'");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default:
                      input:
                        secrest: block
                """)).hasMessageContaining("unknown scanner 'secrest'. Fix: did you mean 'secrets'?");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default:
                      input:
                        banned: {action: block, phrase: [x]}
                """)).hasMessageContaining("sluice.yaml:10: guardrails.policies.default.input.banned.phrase: unknown key 'phrase'")
                .hasMessageContaining("did you mean 'phrases'?");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default:
                      output:
                        judge: flag
                """)).hasMessageContaining("sluice.yaml:10: guardrails.policies.default.output.judge: the judge needs a model");
        assertThatThrownBy(() -> parse("""
                guardrails:
                  policies:
                    default:
                      input:
                        limits: {action: block, scripts: [Latin, Klingon]}
                """)).hasMessageContaining("'Klingon' is not a Unicode script");
    }
}
