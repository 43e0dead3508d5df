package dev.sluice.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A parsed Prometheus text scrape, for assertions. */
record Scrape(List<Sample> samples, Set<String> families) {
    record Sample(String name, Map<String, String> labels, double value) {}

    static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Set<String> families = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                families.add(line.split(" ")[2]);
                continue;
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                String body = line.substring(brace + 1, line.lastIndexOf('}'));
                int i = 0;
                while (i < body.length()) {
                    int eq = body.indexOf('=', i);
                    String key = body.substring(i, eq);
                    StringBuilder value = new StringBuilder();
                    int j = eq + 2;
                    while (body.charAt(j) != '"') {
                        if (body.charAt(j) == '\\') {
                            j++;
                        }
                        value.append(body.charAt(j++));
                    }
                    labels.put(key, value.toString());
                    i = j + 1;
                    if (i < body.length() && body.charAt(i) == ',') {
                        i++;
                    }
                }
            } else {
                name = line.substring(0, space);
            }
            samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return new Scrape(samples, families);
    }

    /** The sum of every series of this name whose labels include all of {@code match}. */
    double sum(String name, Map<String, String> match) {
        double total = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(match.entrySet())) {
                total += s.value();
            }
        }
        return total;
    }

    double sum(String name, String... labelPairs) {
        Map<String, String> match = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            match.put(labelPairs[i], labelPairs[i + 1]);
        }
        return sum(name, match);
    }

    /** Distinct values of a label on a series name. */
    Set<String> values(String name, String label) {
        Set<String> out = new TreeSet<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().containsKey(label)) {
                out.add(s.labels().get(label));
            }
        }
        return out;
    }

    /** Whether any sample has this exact name (e.g. x_bucket, y_total). */
    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }
}
