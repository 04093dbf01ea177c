package io.keyrotator.bench;

import java.net.URI;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor at one concurrency: a connection per worker plus one for its dispatcher, open until
 * {@link #close()} so that PostgreSQL's backends can still be measured after a run.
 */
final class Floor implements AutoCloseable {

    private final List<Connection> connections = new ArrayList<>();
    private final FloorVault vault;
    private final FloorDispatcher dispatcher;
    private final FloorSync sync;

    private Floor(BenchStack stack, URI vaultAddress, int concurrency) throws Exception {
        vault = new FloorVault(stack.http, vaultAddress, stack.vault.rootToken());
        dispatcher = new FloorDispatcher(stack.connect());
        sync = new FloorSync(stack.connect(), vault);
        for (int w = 0; w < concurrency; w++) {
            connections.add(stack.connect());
        }
    }

    static Floor open(BenchStack stack, URI vaultAddress, int concurrency) throws Exception {
        return new Floor(stack, vaultAddress, concurrency);
    }

    /** One-off runs (warm-up, I/O counts). */
    static Load.Figures run(BenchStack stack, URI vaultAddress, int concurrency, int perWorker, List<String> keys)
            throws Exception {
        try (Floor floor = open(stack, vaultAddress, concurrency)) {
            return floor.run(perWorker, keys);
        }
    }

    Load.Figures run(int perWorker, List<String> keys) {
        return Load.run(
                connections.size(),
                perWorker,
                w -> new FloorRotation(
                        new Jdbc(connections.get(w)), vault, keys.get(w), dispatcher::wake, sync::handOver));
    }

    @Override
    public void close() throws Exception {
        dispatcher.close();
        sync.close();
        for (Connection connection : connections) {
            connection.close();
        }
    }
}
