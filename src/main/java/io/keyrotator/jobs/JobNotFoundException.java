package io.keyrotator.jobs;

/** No rotation job has the id. */
public final class JobNotFoundException extends RuntimeException {

    JobNotFoundException(String id) {
        super("No rotation job " + id + ".");
    }
}
