package io.ringside;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests (the Prometheus Java client
 * writes the format but has no parser). It fails on anything the format does not allow: a sample before its
 * family's TYPE, a TYPE given twice, a sample name that is not its family's, a malformed label or value, a
 * series given twice, histogram buckets out of order or not cumulative, or a {@code +Inf} bucket that
 * differs from {@code _count}.
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** Family name to type. */
    final Map<String, String> types = new LinkedHashMap<>();
    final Map<String, String> help = new HashMap<>();
    /** Series (name plus sorted labels) to value. */
    private final Map<String, Double> samples = new LinkedHashMap<>();
    private final List<Sample> all = new ArrayList<>();

    record Sample(String name, Map<String, String> labels, double value) {
    }

    static PrometheusText parse(String page) {
        PrometheusText t = new PrometheusText();
        String family = null;
        int n = 0;
        for (String line : page.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                check(n == page.split("\n", -1).length, n, "empty line inside the page");
                continue;
            }
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ", 4);
                check(parts.length >= 3 && NAME.matcher(parts[2]).matches(), n, "bad metadata line: " + line);
                if (parts[1].equals("TYPE")) {
                    check(parts.length == 4 && TYPES.contains(parts[3]), n, "bad type: " + line);
                    check(!t.types.containsKey(parts[2]), n, "TYPE given twice: " + parts[2]);
                    t.types.put(parts[2], parts[3]);
                    family = parts[2];
                } else {
                    check(!t.help.containsKey(parts[2]), n, "HELP given twice: " + parts[2]);
                    t.help.put(parts[2], parts.length == 4 ? parts[3] : "");
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Sample s = sample(line, n);
            check(family != null && belongs(s.name, family, t.types.get(family)), n,
                    "sample " + s.name + " outside its family (current: " + family + ")");
            String key = key(s.name, s.labels);
            check(t.samples.put(key, s.value) == null, n, "series given twice: " + key);
            t.all.add(s);
        }
        t.checkHistograms();
        return t;
    }

    /** The value of one series; fails when it is missing. */
    double value(String name, String... labels) {
        Map<String, String> l = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            l.put(labels[i], labels[i + 1]);
        }
        Double v = samples.get(key(name, l));
        if (v == null) {
            throw new AssertionError("no series " + key(name, l) + " on the page");
        }
        return v;
    }

    /** The sum over every series of {@code name} whose labels include {@code labels}. */
    double sum(String name, String... labels) {
        double total = 0;
        boolean found = false;
        for (Sample s : all) {
            if (s.name.equals(name) && matches(s.labels, labels)) {
                total += s.value;
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no series " + name + " with " + String.join(",", labels));
        }
        return total;
    }

    boolean has(String name) {
        return all.stream().anyMatch(s -> s.name.equals(name));
    }

    private static boolean matches(Map<String, String> have, String[] want) {
        for (int i = 0; i < want.length; i += 2) {
            if (!want[i + 1].equals(have.get(want[i]))) {
                return false;
            }
        }
        return true;
    }

    private static boolean belongs(String sample, String family, String type) {
        if (type.equals("histogram")) {
            return sample.equals(family + "_bucket") || sample.equals(family + "_sum") || sample.equals(family + "_count");
        }
        return sample.equals(family);
    }

    private void checkHistograms() {
        for (Map.Entry<String, String> f : types.entrySet()) {
            if (!f.getValue().equals("histogram")) {
                continue;
            }
            Map<String, List<Sample>> bySeries = new LinkedHashMap<>();
            for (Sample s : all) {
                if (s.name.equals(f.getKey() + "_bucket")) {
                    Map<String, String> rest = new TreeMap<>(s.labels);
                    check(rest.remove("le") != null, 0, "bucket without le: " + s);
                    bySeries.computeIfAbsent(rest.toString(), k -> new ArrayList<>()).add(s);
                }
            }
            for (List<Sample> buckets : bySeries.values()) {
                double lastLe = Double.NEGATIVE_INFINITY;
                double lastCount = 0;
                for (Sample b : buckets) {
                    double le = number(b.labels.get("le"), 0);
                    check(le > lastLe, 0, "buckets not in increasing le: " + b);
                    check(b.value >= lastCount, 0, "buckets not cumulative: " + b);
                    lastLe = le;
                    lastCount = b.value;
                }
                check(lastLe == Double.POSITIVE_INFINITY, 0, "no +Inf bucket in " + f.getKey());
                Map<String, String> rest = new TreeMap<>(buckets.get(0).labels);
                rest.remove("le");
                Double count = samples.get(key(f.getKey() + "_count", rest));
                check(count != null && count == lastCount, 0, f.getKey() + "_count differs from its +Inf bucket");
                check(samples.containsKey(key(f.getKey() + "_sum", rest)), 0, f.getKey() + "_sum missing");
            }
        }
    }

    private static Sample sample(String line, int n) {
        Matcher m = NAME.matcher(line);
        check(m.lookingAt(), n, "no metric name: " + line);
        String name = m.group();
        int i = m.end();
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                Matcher ln = LABEL_NAME.matcher(line).region(i, line.length());
                check(ln.lookingAt(), n, "bad label name at " + i + ": " + line);
                i = ln.end();
                check(line.startsWith("=\"", i), n, "expected =\" at " + i + ": " + line);
                i += 2;
                StringBuilder v = new StringBuilder();
                for (char c; (c = line.charAt(i)) != '"'; i++) {
                    if (c == '\\') {
                        char e = line.charAt(++i);
                        check(e == '\\' || e == '"' || e == 'n', n, "bad escape \\" + e + ": " + line);
                        v.append(e == 'n' ? '\n' : e);
                    } else {
                        v.append(c);
                    }
                }
                i++;
                check(labels.put(ln.group(), v.toString()) == null, n, "label given twice: " + line);
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        check(i < line.length() && line.charAt(i) == ' ', n, "expected a space before the value: " + line);
        String[] rest = line.substring(i + 1).split(" ");
        check(rest.length == 1 || rest.length == 2, n, "expected a value and an optional timestamp: " + line);
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        return new Sample(name, labels, number(rest[0], n));
    }

    private static double number(String text, int n) {
        switch (text) {
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            case "NaN": return Double.NaN;
            default:
                check(NUMBER.matcher(text).matches(), n, "not a number: " + text);
                return Double.parseDouble(text);
        }
    }

    private static String key(String name, Map<String, String> labels) {
        return name + new TreeMap<>(labels);
    }

    private static void check(boolean ok, int line, String message) {
        if (!ok) {
            throw new AssertionError("line " + line + ": " + message);
        }
    }
}
