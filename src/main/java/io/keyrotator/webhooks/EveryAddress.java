package io.keyrotator.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * One attempt of a delivery to every address the host resolves to now (the pods behind a headless
 * Service): each address not yet delivered to is checked by the guard and sent the signed request at
 * once, on a virtual thread each, at most {@value #AT_ONCE} at a time. Addresses that appeared since the last attempt are sent to as well,
 * so a pod that starts mid-rotation still hears of it; one that is gone is no longer waited for. The
 * delivery is delivered once every address resolved now has it.
 */
@Component
class EveryAddress {

    /** Sends in flight per delivery: a name with hundreds of addresses opens no more connections. */
    static final int AT_ONCE = 16;

    private final SsrfGuard guard;
    private final HttpSender sender;

    EveryAddress(SsrfGuard guard, HttpSender sender) {
        this.guard = guard;
        this.sender = sender;
    }

    /** A signed request, ready to be sent to any address. */
    record Request(Map<String, String> headers, byte[] body) {

        HttpSender.Outcome post(HttpSender sender, URI url, @Nullable InetAddress address) {
            return sender.post(url, headers, body, address);
        }
    }

    /** The attempt's outcome (the first failing address's, if any) and each address's answer. */
    record Sent(HttpSender.Outcome outcome, List<DeliveryResult.AddressResult> addresses) {}

    Sent send(URI url, DeliveryRecords.Claimed delivery, Request request) {
        String host = url.getHost();
        List<InetAddress> addresses;
        try {
            addresses = guard.resolve(host);
        } catch (UnknownHostException e) {
            return new Sent(new HttpSender.Outcome(0, null, "connection-failed"), List.of());
        }
        List<Future<DeliveryResult.AddressResult>> sending = new ArrayList<>();
        Semaphore inFlight = new Semaphore(AT_ONCE);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (InetAddress address : addresses) {
                if (!delivery.deliveredAddresses().contains(address.getHostAddress())) {
                    sending.add(threads.submit(() -> {
                        inFlight.acquire();
                        try {
                            return sendTo(url, host, address, request);
                        } finally {
                            inFlight.release();
                        }
                    }));
                }
            }
        }
        List<DeliveryResult.AddressResult> results = new ArrayList<>();
        // closing the executor waited for every send: the futures are done
        for (Future<DeliveryResult.AddressResult> result : sending) {
            try {
                results.add(result.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("sending to one address failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Sent(new HttpSender.Outcome(0, null, "interrupted"), results);
            }
        }
        HttpSender.Outcome outcome = results.stream()
                .filter(r -> !r.delivered())
                .findFirst()
                .map(r -> new HttpSender.Outcome(r.statusCode() == null ? 0 : r.statusCode(), null, r.error()))
                .orElse(new HttpSender.Outcome(
                        results.isEmpty() ? 0 : results.getFirst().statusCode(), null, null, true));
        return new Sent(outcome, results);
    }

    private DeliveryResult.AddressResult sendTo(URI url, String host, InetAddress address, Request request) {
        if (!guard.allows(host, address)) {
            return new DeliveryResult.AddressResult(address.getHostAddress(), false, null, "address-refused");
        }
        HttpSender.Outcome outcome = request.post(sender, url, address);
        return new DeliveryResult.AddressResult(
                address.getHostAddress(),
                outcome.delivered(),
                outcome.status() == 0 ? null : outcome.status(),
                outcome.error());
    }
}
