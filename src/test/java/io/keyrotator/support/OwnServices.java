package io.keyrotator.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A class that brings its own OpenBao, database and service processes and touches nothing shared
 * (no shared database, no {@link MutableClock}, no shared OpenBao). Such classes run one at a time
 * in a lane of their own, beside the classes that share the suite's servers; {@link TestIsolation}
 * leaves the shared database alone for them. A class that must run alone (it restarts something
 * shared, or counts what a busy machine would spoil) is ordered at the end of the main lane and
 * takes {@link #LANE}: JUnit's {@code @Isolated} would wait for the final leak scan, which waits
 * for it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(OwnServices.LANE)
public @interface OwnServices {

    String LANE = "keyrotator-own-services-lane";
}
