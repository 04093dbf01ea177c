package io.keyrotator.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keyrotator.rotation.KeyVersion.Trigger;
import io.keyrotator.rotation.protocol.Idempotency;
import io.keyrotator.rotation.protocol.RotationCommand;
import io.keyrotator.rotation.protocol.RotationEngine;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.PendingVaultSync;
import io.keyrotator.support.TestServices;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Bulk rotation jobs over the API, against PostgreSQL and OpenBao. */
@KeyrotatorIntegrationTest
class RotationJobIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobWorker worker;

    @Autowired
    JobRecords records;

    @Autowired
    RotationEngine engine;

    @Autowired
    Clock clock;

    Api api;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @BeforeEach
    void client() {
        api = new Api(port, TestServices.TOKEN);
    }

    @AfterEach
    void workerRuns() {
        if (!worker.isRunning()) {
            worker.start();
        }
    }

    @Test
    void aJobRotatesEveryKeyItsLabelsSelectAndNoOther() {
        String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> selected = List.of(register(team), register(team), register(team));
        String other = register("someone-else");

        Api.Response created = api.post(
                "/api/v1/rotation-jobs",
                Map.of("selector", Map.of("labels", Map.of("team", team)), "reason", "re-key"));

        assertThat(created.status()).as(created.body()).isEqualTo(202);
        assertThat(created.header("Location"))
                .isEqualTo("/api/v1/rotation-jobs/" + created.json().get("id"));
        assertThat(created.json()).containsEntry("total", 3).containsEntry("actor", "tester");
        Map<String, Object> job = awaitFinished((String) created.json().get("id"));
        assertThat(job)
                .containsEntry("state", "DONE")
                .containsEntry("done", 3)
                .containsEntry("failed", 0)
                .containsEntry("open", 0);
        selected.forEach(name -> assertThat(currentVersion(name)).as(name).isEqualTo(2));
        assertThat(currentVersion(other)).isEqualTo(1);
        assertThat(reasonOf(selected.getFirst())).isEqualTo("job " + job.get("id") + ": re-key");
    }

    @Test
    void aKeyWhoseOwnerDiedAfterVaultTookTheWriteIsRotatedOnce() throws Exception {
        String name = register("crash");
        worker.stop();
        UUID id = UUID.randomUUID();
        // the first owner rotated the key, then died before recording it
        engine.rotate(
                name,
                new RotationCommand(Trigger.MANUAL, "tester", "job " + id, null, false, "rotation-job")
                        .withIdempotency(Idempotency.Key.internal("job", id.toString(), "job")));
        records.insert(
                id,
                new JobRecords.Created(new JobRequest.Selector(null, List.of(name), null), null, null, "tester"),
                List.of(name),
                clock.instant());

        worker.start();
        worker.wakeAfterCommit();

        Map<String, Object> job = awaitFinished(id.toString());
        assertThat(job).containsEntry("done", 1);
        assertThat(currentVersion(name))
                .as("the takeover repeated the rotation")
                .isEqualTo(2);
        assertThat(versions(name)).isEqualTo(2);
    }

    @Test
    void aDeletedKeyFailsAndTheOthersAreStillRotated() {
        String kept = register("deleted");
        String deleted = register("deleted");
        worker.stop();
        Api.Response created =
                api.post("/api/v1/rotation-jobs", Map.of("selector", Map.of("names", List.of(kept, deleted))));
        assertThat(api.delete("/api/v1/keys/" + deleted).status()).isEqualTo(204);

        worker.start();
        worker.wakeAfterCommit();

        Map<String, Object> job = awaitFinished((String) created.json().get("id"));
        assertThat(job).containsEntry("done", 1).containsEntry("failed", 1);
        assertThat(job.get("failures").toString()).contains("key=" + deleted).contains("reason=key-deleted");
        assertThat(currentVersion(kept)).isEqualTo(2);
    }

    @Test
    void aCancelledJobRotatesNoneOfItsOpenKeys() throws Exception {
        String name = register("cancel");
        worker.stop();
        String id = (String) api.post("/api/v1/rotation-jobs", Map.of("selector", Map.of("names", List.of(name))))
                .json()
                .get("id");

        Api.Response cancelled = api.delete("/api/v1/rotation-jobs/" + id);
        Api.Response again = api.delete("/api/v1/rotation-jobs/" + id);

        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json())
                .containsEntry("state", "CANCELLED")
                .containsEntry("cancelled", 1)
                .containsEntry("open", 0);
        assertThat(again.json()).containsEntry("state", "CANCELLED");
        assertThat(worker.claimOnce()).isZero();
        assertThat(currentVersion(name)).isEqualTo(1);
    }

    @Test
    void badJobsAreRefusedWithAProblem() {
        String name = register("bad");
        Map<String, Object> withNul = new HashMap<>(Map.of("selector", Map.of("names", List.of(name))));
        withNul.put("reason", "a\u0000b");

        assertThat(api.post("/api/v1/rotation-jobs", Map.of()).body()).contains("selector");
        assertThat(api.post("/api/v1/rotation-jobs", Map.of("selector", Map.of()))
                        .status())
                .isEqualTo(400);
        assertThat(api.post("/api/v1/rotation-jobs", Map.of("selector", Map.of("names", List.of("no-such-key"))))
                        .body())
                .contains("matches no key");
        assertThat(api.post(
                                "/api/v1/rotation-jobs",
                                Map.of("selector", Map.of("names", List.of(name)), "overlap", "soon"))
                        .status())
                .isEqualTo(400);
        assertThat(api.post("/api/v1/rotation-jobs", withNul).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/rotation-jobs/" + UUID.randomUUID()).status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/rotation-jobs/not-a-uuid").status()).isEqualTo(400);
        assertThat(api.withToken(TestServices.ACK_TOKEN)
                        .post("/api/v1/rotation-jobs", Map.of("selector", Map.of("names", List.of(name))))
                        .status())
                .isIn(401, 403);
        assertThat(currentVersion(name)).isEqualTo(1);
    }

    @Test
    void aVaultPathPrefixSelectsTheKeysBelowIt() {
        String prefix = "jobs-" + UUID.randomUUID().toString().substring(0, 8);
        String below = register("path", "api-keys/" + prefix + "/a");
        String beside = register("path", "api-keys/" + prefix + "x/b");

        String id = (String) api.post(
                        "/api/v1/rotation-jobs",
                        Map.of("selector", Map.of("vaultPathPrefix", "api-keys/" + prefix + "/")))
                .json()
                .get("id");

        assertThat(awaitFinished(id)).containsEntry("done", 1);
        assertThat(currentVersion(below)).isEqualTo(2);
        assertThat(currentVersion(beside)).isEqualTo(1);
        assertThat(api.get("/api/v1/rotation-jobs?limit=5").json().get("items").toString())
                .contains(id);
    }

    @Test
    void aPageOfJobsShowsEveryJobAsItsOwnReadDoes() {
        worker.stop();
        List<String> waiting = List.of(register("page"), register("page"));
        String open = (String) api.post("/api/v1/rotation-jobs", Map.of("selector", Map.of("names", waiting)))
                .json()
                .get("id");
        String cancelled = (String) api.post(
                        "/api/v1/rotation-jobs", Map.of("selector", Map.of("names", List.of(register("page")))))
                .json()
                .get("id");
        assertThat(api.delete("/api/v1/rotation-jobs/" + cancelled).status()).isEqualTo(200);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>)
                api.get("/api/v1/rotation-jobs?limit=2").json().get("items");

        assertThat(items).containsExactly(job(cancelled), job(open));
        assertThat(job(open))
                .containsEntry("open", 2)
                .containsEntry("openKeys", waiting.stream().sorted().toList());
        assertThat(job(cancelled)).containsEntry("cancelled", 1).containsEntry("open", 0);
    }

    private Map<String, Object> job(String id) {
        return api.get("/api/v1/rotation-jobs/" + id).json();
    }

    private Map<String, Object> awaitFinished(String id) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !"RUNNING"
                        .equals(api.get("/api/v1/rotation-jobs/" + id).json().get("state")));
        return api.get("/api/v1/rotation-jobs/" + id).json();
    }

    private String register(String team) {
        return register(team, null);
    }

    private String register(String team, String vaultPath) {
        String name = "job-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "labels", Map.of("team", team)));
        if (vaultPath != null) {
            body.put("vaultPath", vaultPath);
        }
        Api.Response created = api.post("/api/v1/keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        PendingVaultSync.awaitNone(jdbc);
        return name;
    }

    private int currentVersion(String name) {
        return ((Number) api.get("/api/v1/keys/" + name).json().get("currentVersion")).intValue();
    }

    private int versions(String name) {
        return jdbc.sql("SELECT count(*) FROM key_version v JOIN managed_key k ON k.id = v.key_id WHERE k.name = ?")
                .param(name)
                .query(Integer.class)
                .single();
    }

    private String reasonOf(String name) {
        return jdbc.sql("SELECT v.reason FROM key_version v JOIN managed_key k ON k.id = v.key_id WHERE k.name = ?"
                        + " ORDER BY v.version DESC LIMIT 1")
                .param(name)
                .query(String.class)
                .single();
    }
}
