package io.keyrotator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTests {

    @Test
    void theWaitDoublesFromFiveSecondsUpToFiveMinutes() {
        assertThat(Backoff.after(0)).hasSeconds(5);
        assertThat(Backoff.after(1)).hasSeconds(10);
        assertThat(Backoff.after(5)).hasSeconds(160);
        assertThat(Backoff.after(6)).hasMinutes(5);
        assertThat(Backoff.after(Integer.MAX_VALUE)).hasMinutes(5);
    }
}
