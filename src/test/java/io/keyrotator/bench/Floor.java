package io.keyrotator.bench;

import java.net.URI;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/** Runs the floor: a connection per worker plus one for its dispatcher, closed afterwards. */
final class Floor {

    private Floor() {}

    static Load.Figures run(BenchStack stack, URI vaultAddress, int concurrency, int perWorker, List<String> keys)
            throws Exception {
        List<Connection> connections = new ArrayList<>();
        FloorVault vault = new FloorVault(stack.http, vaultAddress, stack.vault.rootToken());
        try (FloorDispatcher dispatcher = new FloorDispatcher(stack.connect())) {
            for (int w = 0; w < concurrency; w++) {
                connections.add(stack.connect());
            }
            return Load.run(
                    concurrency,
                    perWorker,
                    w -> new FloorRotation(new Jdbc(connections.get(w)), vault, keys.get(w), dispatcher::wake));
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }
}
