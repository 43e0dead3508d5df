package dev.sluice.eval;

import java.util.List;

/**
 * An evaluation suite, read from a promptfoo-style YAML file by {@link SuiteLoader}: every test is
 * run with every prompt against every target.
 *
 * @param maxConcurrency {@code evaluateOptions.maxConcurrency}, or 0 when not given
 * @param repeat         {@code evaluateOptions.repeat}, or 0 when not given
 * @param grader         the judge model named by {@code defaultTest.options.provider}, or null
 */
public record Suite(String file, String description, List<EvalPrompt> prompts, List<Target> targets,
                    List<TestCase> tests, int maxConcurrency, int repeat, String grader) {
    public Suite {
        prompts = List.copyOf(prompts);
        targets = List.copyOf(targets);
        tests = List.copyOf(tests);
    }

    public Suite withTests(List<TestCase> newTests) {
        return new Suite(file, description, prompts, targets, newTests, maxConcurrency, repeat, grader);
    }
}
