package io.keyrotator.jobs;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.security.Principal;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Validated
class JobsController {

    private final JobService jobs;

    JobsController(JobService jobs) {
        this.jobs = jobs;
    }

    /** Starts a job (scope {@code keys:rotate}): 202 with the job, which runs on after the answer. */
    @PostMapping("/api/v1/rotation-jobs")
    ResponseEntity<RotationJob> create(@RequestBody JobRequest body, Principal principal) {
        RotationJob job = jobs.create(body, principal.getName());
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/rotation-jobs/" + job.id()))
                .body(job);
    }

    @GetMapping("/api/v1/rotation-jobs")
    RotationJob.JobPage list(
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int offset,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
        return new RotationJob.JobPage(jobs.page(offset, limit), offset, limit);
    }

    @GetMapping("/api/v1/rotation-jobs/{id}")
    RotationJob get(@PathVariable UUID id) {
        return jobs.find(id).orElseThrow(() -> new JobNotFoundException(id.toString()));
    }

    /** Cancels a job (scope {@code keys:rotate}): its open keys are not rotated. Cancelling twice is harmless. */
    @DeleteMapping("/api/v1/rotation-jobs/{id}")
    RotationJob cancel(@PathVariable UUID id) {
        return jobs.cancel(id);
    }
}
