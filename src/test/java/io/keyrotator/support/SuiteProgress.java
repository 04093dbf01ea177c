package io.keyrotator.support;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Knows which test classes of the run have not finished yet (registered through {@code
 * META-INF/services}). With two lanes, the last class of one lane is not the last of the run, so a
 * class that must come after every other one waits here.
 */
public final class SuiteProgress implements TestExecutionListener {

    private static final Map<String, String> UNFINISHED = new ConcurrentHashMap<>();

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier child : plan.getChildren(root)) {
                child.getSource()
                        .filter(ClassSource.class::isInstance)
                        .map(source -> ((ClassSource) source).getClassName())
                        .ifPresent(name -> UNFINISHED.put(child.getUniqueId(), name));
            }
        }
    }

    @Override
    public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
        finished(identifier);
    }

    @Override
    public void executionSkipped(TestIdentifier identifier, String reason) {
        finished(identifier);
    }

    private static void finished(TestIdentifier identifier) {
        if (UNFINISHED.remove(identifier.getUniqueId()) != null) {
            synchronized (UNFINISHED) {
                UNFINISHED.notifyAll();
            }
        }
    }

    /** Waits until every class of the run but {@code self} has finished. */
    public static void awaitEveryClassBut(Class<?> self, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (UNFINISHED) {
            while (UNFINISHED.values().stream().anyMatch(name -> !name.equals(self.getName()))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(
                            "classes still running after " + timeout + ": " + UNFINISHED.values());
                }
                UNFINISHED.wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
