package io.keyrotator.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Resolves names the test set, and everything else as the system does: a DNS that can change. */
class SwitchableResolver implements HostResolver {

    private final Map<String, String> names = new ConcurrentHashMap<>();

    void point(String name, String address) {
        names.put(name, address);
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        String address = names.get(host);
        return address != null
                ? List.of(InetAddress.getByName(address))
                : HostResolver.system().resolve(host);
    }
}
