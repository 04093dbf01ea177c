package io.keyrotator.webhooks;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Records finished attempts a batch per transaction. Results the database could not take (a
 * restart, a failover) are kept and recorded with the next batch instead of dropped: dropping them
 * would send each of those deliveries again once its lease ran out, although its receiver already
 * answered 2xx. A late record is safe, because it is fenced by the attempt count.
 */
final class ResultRecorder {

    private static final Logger log = LoggerFactory.getLogger(ResultRecorder.class);

    private final DispatchSteps steps;
    private final List<DeliveryResult> unrecorded = new ArrayList<>();

    ResultRecorder(DispatchSteps steps) {
        this.steps = steps;
    }

    /** Records {@code results} and whatever an earlier call could not; an empty list retries only. */
    synchronized void record(List<DeliveryResult> results) {
        unrecorded.addAll(results);
        if (unrecorded.isEmpty()) {
            return;
        }
        try {
            steps.record(List.copyOf(unrecorded));
            unrecorded.clear();
        } catch (DataAccessException | TransactionException e) {
            log.warn(
                    "Recording {} delivery results failed, retried with the next batch: {}",
                    unrecorded.size(),
                    e.getMessage());
        }
    }
}
