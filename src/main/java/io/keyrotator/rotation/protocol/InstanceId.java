package io.keyrotator.rotation.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** This process's name as the owner of intents: host, pid and a random part that differs per start. */
@Component
class InstanceId {

    private final String id;

    InstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        this.id = host + ":" + ProcessHandle.current().pid() + ":"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    String id() {
        return id;
    }
}
