package io.keyrotator.rotation.schedule;

import org.springframework.boot.test.context.TestComponent;

/** Lets tests outside the rotation package run one scheduler pass. */
@TestComponent
public class SchedulerProbe {

    private final RotationScheduler scheduler;

    SchedulerProbe(RotationScheduler scheduler) {
        this.scheduler = scheduler;
    }

    public int runOnce() {
        return scheduler.runOnce();
    }
}
