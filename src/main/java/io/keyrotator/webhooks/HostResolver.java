package io.keyrotator.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Name resolution, behind an interface so tests can make a name resolve differently later. */
interface HostResolver {

    List<InetAddress> resolve(String host) throws UnknownHostException;

    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
