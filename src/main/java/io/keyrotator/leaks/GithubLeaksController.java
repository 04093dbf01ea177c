package io.keyrotator.leaks;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.keyrotator.rotation.InvalidRequestException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * GitHub's secret scanning partner endpoint. The signature is checked over the raw body before it is
 * parsed; every token is then looked up and recorded, and the answer goes back at once: the
 * rotations run on the leak worker, not on this request. The answer is GitHub's optional feedback,
 * a label per token, by the token's SHA-256, never the token.
 */
@RestController
class GithubLeaksController {

    private static final TypeReference<List<GithubMatch>> MATCHES = new TypeReference<>() {};

    private final GithubSignature signature;
    private final LeakService leaks;
    private final LeakWorker worker;
    private final LeakProperties properties;
    private final JsonMapper json;

    GithubLeaksController(
            GithubSignature signature,
            LeakService leaks,
            LeakWorker worker,
            LeakProperties properties,
            JsonMapper json) {
        this.signature = signature;
        this.leaks = leaks;
        this.worker = worker;
        this.properties = properties;
        this.json = json;
    }

    @PostMapping(path = "/api/v1/leaks/github", consumes = "application/json")
    List<Feedback> report(
            @RequestHeader(name = "Github-Public-Key-Identifier", required = false) @Nullable String identifier,
            @RequestHeader(name = "Github-Public-Key-Signature", required = false) @Nullable String signed,
            @RequestBody byte[] body) {
        signature.verify(identifier, signed, body);
        List<GithubMatch> matches = parse(body);
        List<Feedback> feedback = new ArrayList<>(matches.size());
        for (GithubMatch match : matches) {
            Reported reported = Reported.value(match.token());
            String reason = "GitHub secret scanning: " + clip(match.type(), 64) + " in " + clip(match.source(), 64);
            LeakReport report = leaks.report(
                            reported, new Reporter("github", "github", clip(match.url(), 2048), reason), false)
                    .report();
            feedback.add(new Feedback(
                    HexFormat.of().formatHex(Reported.sha256(match.token())),
                    match.type(),
                    report.outcome() == LeakReport.Outcome.UNKNOWN ? "false_positive" : "true_positive"));
        }
        worker.wakeAfterCommit();
        return feedback;
    }

    /** One match in GitHub's payload (fields GitHub may add are ignored). {@link #toString()} hides the token. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record GithubMatch(
            @Nullable String token,
            @Nullable String type,
            @Nullable String url,
            @Nullable String source) {
        @Override
        public String toString() {
            return "GithubMatch[type=" + type + ", url=" + url + ", source=" + source + "]";
        }
    }

    /** GitHub's feedback format: {@code token_hash}, {@code token_type}, {@code label}. */
    record Feedback(
            @JsonProperty("token_hash") String tokenHash,
            @JsonProperty("token_type") @Nullable String tokenType,
            String label) {}

    private List<GithubMatch> parse(byte[] body) {
        List<GithubMatch> matches;
        try {
            matches = json.readValue(body, MATCHES);
        } catch (JacksonException e) {
            throw InvalidRequestException.of("body", "a JSON array of {token, type, url, source}");
        }
        if (matches == null || matches.size() > properties.github().maxTokens()) {
            throw InvalidRequestException.of(
                    "body", "1 to " + properties.github().maxTokens() + " matches");
        }
        for (int i = 0; i < matches.size(); i++) {
            GithubMatch match = matches.get(i);
            if (match == null
                    || match.token() == null
                    || match.token().isEmpty()
                    || match.token().length() > LeaksController.MAX_VALUE) {
                throw InvalidRequestException.of(
                        "[" + i + "].token", "1 to " + LeaksController.MAX_VALUE + " characters");
            }
            for (String text : new String[] {match.type(), match.url(), match.source()}) {
                if (text != null && !LeaksController.printable(text)) {
                    throw InvalidRequestException.of("[" + i + "]", "type, url and source without control characters");
                }
            }
        }
        return matches;
    }

    private static @Nullable String clip(@Nullable String text, int length) {
        return text == null || text.length() <= length ? text : text.substring(0, length);
    }
}
