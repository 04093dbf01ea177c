package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.ConsumerHoldings;
import io.keyrotator.rotation.ConsumerHoldings.Holding;
import io.keyrotator.rotation.KeyEvent;
import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.KeyVersion.State;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.Promotion;
import io.keyrotator.rotation.store.VersionRecords;
import io.keyrotator.rotation.store.WriteIntent.Kind;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Gated promotion (docs/contract.md#gated-promotion). A promotion waits until every live instance
 * of the awaited consumers holds the NEXT version, a close until every one presents the CURRENT
 * version as its current one (none still presents the previous key). Both wait at most the timeout past the moment
 * they were due; then a close closes, and a promotion promotes or holds as the key declares. The
 * waiting is derived from rows (the version's due time, the instances' reports), never from
 * memory, so a crash or another replica's scheduler loses nothing.
 */
@Component
class PromotionGate {

    private final ConsumerHoldings holdings;
    private final VersionRecords versions;
    private final ApplicationEventPublisher publisher;
    private final RotationMetrics metrics;
    private final Clock clock;

    PromotionGate(
            ConsumerHoldings holdings,
            VersionRecords versions,
            ApplicationEventPublisher publisher,
            RotationMetrics metrics,
            Clock clock) {
        this.holdings = holdings;
        this.versions = versions;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Whether the promotion or close may go ahead; {@code awaited} is the version instances must hold. */
    boolean opens(ManagedKey key, Kind kind, int awaited, Instant due, Instant now) {
        return verdict(key, kind, awaited, due, now).proceeds();
    }

    /**
     * Before the Vault read of a promotion or close: false while the gate is shut, so a waiting key
     * costs one query per tick and no Vault call. Once the timeout passes with instances behind,
     * records {@code key.promotion_delayed} for the version, once.
     */
    @Transactional
    public boolean check(ManagedKey key, Kind kind) {
        if (!key.promotion().gated()) {
            return true;
        }
        Optional<KeyVersion> subject = versions.inState(key.id(), kind == Kind.PROMOTE ? State.NEXT : State.PREVIOUS);
        Optional<KeyVersion> current = versions.inState(key.id(), State.CURRENT);
        Instant due = subject.map(v -> kind == Kind.PROMOTE ? v.activateAt() : v.validUntil())
                .orElse(null);
        if (subject.isEmpty() || due == null || (kind == Kind.CLOSE && current.isEmpty())) {
            return true;
        }
        int awaited =
                kind == Kind.PROMOTE ? subject.get().version() : current.get().version();
        Instant now = clock.instant();
        Verdict verdict = verdict(key, kind, awaited, due, now);
        if (verdict.timedOut() && versions.reportDelay(subject.get().id(), now)) {
            String outcome = kind == Kind.CLOSE ? "close" : verdict.proceeds() ? "promote" : "hold";
            publisher.publishEvent(new KeyEvent.PromotionDelayed(
                    key.name(),
                    kind == Kind.PROMOTE ? "promotion" : "overlap-close",
                    subject.get().version(),
                    awaited,
                    outcome,
                    due,
                    key.promotion().timeout(),
                    verdict.behind().stream()
                            .map(h -> new KeyEvent.PromotionDelayed.Behind(
                                    h.consumer(), h.instance(), kind == Kind.CLOSE ? h.current() : h.version()))
                            .toList(),
                    now));
            metrics.promotionDelayed(key, kind == Kind.PROMOTE ? "promotion" : "overlap-close", outcome);
        }
        return verdict.proceeds();
    }

    private Verdict verdict(ManagedKey key, Kind kind, int awaited, Instant due, Instant now) {
        Promotion promotion = key.promotion();
        if (!promotion.gated()) {
            return new Verdict(true, false, List.of());
        }
        // a promotion needs every instance to hold the next key; a close, none to present the previous
        List<Holding> behind = holdings.live(key.id(), promotion.awaitConsumers()).stream()
                .filter(h -> (kind == Kind.CLOSE ? h.current() : h.version()) < awaited)
                .toList();
        if (behind.isEmpty()) {
            return new Verdict(true, false, behind);
        }
        if (now.isBefore(due.plus(promotion.timeout()))) {
            return new Verdict(false, false, behind);
        }
        boolean proceeds = kind == Kind.CLOSE || promotion.onTimeout() == Promotion.OnTimeout.PROMOTE;
        return new Verdict(proceeds, true, behind);
    }

    private record Verdict(boolean proceeds, boolean timedOut, List<Holding> behind) {}
}
