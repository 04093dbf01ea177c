package io.keyrotator.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks that live beside the code they measure ({@code rotation.KeyGeneratorBenchmark},
 * {@code webhooks.SignerBenchmark}): key generation with 1 and 8 threads on one shared generator, and
 * signing. In a full run each benchmark gets a forked JVM, warm-up and five measured seconds.
 */
final class MicroBenchmarks {

    private final Sizes sizes;

    MicroBenchmarks(Sizes sizes) {
        this.sizes = sizes;
    }

    void run(Report report) throws Exception {
        Map<String, Double> one = throughput("io.keyrotator.rotation.protocol.KeyGeneratorBenchmark", 1);
        Map<String, Double> eight = throughput("io.keyrotator.rotation.protocol.KeyGeneratorBenchmark", 8);
        Map<String, Double> signing = throughput("io.keyrotator.webhooks.SignerBenchmark", 1);
        report.raw("jmh", Map.of("keyGeneration1Thread", one, "keyGeneration8Threads", eight, "signing", signing));
        for (String encoding : one.keySet()) {
            report.ratio(
                    "key generation (%s), 8 threads vs 1".formatted(encoding),
                    "throughput ratio (%,.0f ÷ %,.0f keys/s)".formatted(eight.get(encoding), one.get(encoding)),
                    eight.get(encoding) / one.get(encoding),
                    ">=",
                    0.9);
        }
        signing.forEach((name, perSecond) ->
                report.row("webhook signing (JMH)", name, "%,.0f signatures/s".formatted(perSecond), "—", null));
    }

    /** Operations per second of every benchmark (and parameter) in the class, all threads together. */
    private Map<String, Double> throughput(String benchmarkClass, int threads) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(benchmarkClass.replace(".", "\\.") + "\\.")
                .threads(threads)
                .shouldFailOnError(true);
        if (sizes.thorough()) {
            options.forks(1)
                    .warmupIterations(2)
                    .warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5)
                    .measurementTime(TimeValue.seconds(1));
        } else {
            options.forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Double> figures = new LinkedHashMap<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            String label = name.substring(name.lastIndexOf('.') + 1);
            String encoding = result.getParams().getParam("encoding");
            figures.put(
                    encoding == null ? label : encoding.toLowerCase(java.util.Locale.ROOT),
                    result.getPrimaryResult().getScore());
        }
        return figures;
    }
}
