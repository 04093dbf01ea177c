package io.keyrotator.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Resolves names the test set, and everything else as the system does: a DNS that can change. */
class SwitchableResolver implements HostResolver {

    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Map<String, String> afterNextLookup = new ConcurrentHashMap<>();

    void point(String name, String address) {
        names.put(name, address);
    }

    /** A name with several addresses, as a headless Service's pods. */
    void pointAll(String name, String... addresses) {
        names.put(name, String.join(",", addresses));
    }

    /** DNS rebinding: {@code first} for the next lookup, {@code then} for every one after it. */
    void pointOnceThen(String name, String first, String then) {
        names.put(name, first);
        afterNextLookup.put(name, then);
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        String address = names.get(host);
        String then = afterNextLookup.remove(host);
        if (then != null) {
            names.put(host, then);
        }
        if (address == null) {
            return HostResolver.system().resolve(host);
        }
        List<InetAddress> addresses = new java.util.ArrayList<>();
        for (String one : address.split(",")) {
            addresses.add(InetAddress.getByName(one));
        }
        return addresses;
    }
}
