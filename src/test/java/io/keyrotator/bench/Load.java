package io.keyrotator.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * A closed-loop load: {@code concurrency} platform threads, each with its own operation (its own
 * key, connection, ...), each running it {@code perWorker} times back to back. Latencies go into
 * one HdrHistogram per worker, merged at the end.
 */
final class Load {

    /** One unit of work; throws when it failed. */
    interface Operation {
        void run() throws Exception;
    }

    /** What a run measured. Latencies in milliseconds. */
    record Figures(
            int concurrency,
            long operations,
            long errors,
            double seconds,
            double p50,
            double p99,
            @Nullable String firstError) {

        /** Figures with failed operations in them measure something else: fail the run instead. */
        Figures requireNoErrors(String what) {
            if (errors > 0) {
                throw new IllegalStateException(what + ": " + errors + " operations failed, first: " + firstError);
            }
            return this;
        }

        double perSecond() {
            return operations / seconds;
        }

        double meanMillis() {
            return seconds * 1000 * concurrency / Math.max(1, operations);
        }
    }

    private Load() {}

    static Figures run(int concurrency, int perWorker, IntFunction<Operation> operationOfWorker) {
        List<Histogram> histograms = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            Histogram histogram = new Histogram(60_000_000_000L, 3);
            histograms.add(histogram);
            Operation operation = operationOfWorker.apply(w);
            workers.add(Thread.ofPlatform().name("load-" + w).start(() -> {
                await(start);
                for (int i = 0; i < perWorker; i++) {
                    long began = System.nanoTime();
                    try {
                        operation.run();
                        histogram.recordValue(System.nanoTime() - began);
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            }));
        }
        long began = System.nanoTime();
        start.countDown();
        workers.forEach(Load::join);
        double seconds = (System.nanoTime() - began) / 1e9;
        Histogram all = new Histogram(60_000_000_000L, 3);
        histograms.forEach(all::add);
        return new Figures(
                concurrency,
                all.getTotalCount(),
                errors.get(),
                seconds,
                all.getValueAtPercentile(50) / 1e6,
                all.getValueAtPercentile(99) / 1e6,
                firstError.get());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
