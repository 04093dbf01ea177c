package io.keyrotator.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document at {@code /v3/api-docs}: bearer authentication, and for every operation
 * each error status it can answer, as {@code application/problem+json} (docs/contract.md#problem-types).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String PROBLEM = "Problem";

    /** Error statuses per operation, beyond 401 and 403 that every operation can answer. */
    private static final Map<String, List<Integer>> ERRORS = Map.ofEntries(
            Map.entry("POST /api/v1/keys", List.of(400, 409, 415, 503)),
            Map.entry("GET /api/v1/keys", List.of(400)),
            Map.entry("GET /api/v1/keys/{name}", List.of(404)),
            Map.entry("PATCH /api/v1/keys/{name}", List.of(400, 404, 415)),
            Map.entry("DELETE /api/v1/keys/{name}", List.of(400, 404, 503)),
            Map.entry("POST /api/v1/keys/{name}/adopt", List.of(404, 409, 503)),
            Map.entry("POST /api/v1/keys/{name}/rotations", List.of(400, 404, 409, 415, 422, 429, 503)),
            Map.entry("GET /api/v1/keys/{name}/versions", List.of(404)),
            Map.entry("GET /api/v1/keys/{name}/versions/{version}", List.of(400, 404)),
            Map.entry("PUT /api/v1/keys/{name}/consumers/{consumer}/instances/{instance}", List.of(400, 404, 415)),
            Map.entry("GET /api/v1/keys/{name}/consumers", List.of(404)),
            Map.entry("POST /api/v1/leaks", List.of(400, 415, 429, 503)),
            Map.entry("GET /api/v1/leaks", List.of(400)),
            Map.entry("GET /api/v1/leaks/{id}", List.of(400, 404)),
            Map.entry("GET /api/v1/keys/{name}/leaks", List.of(400, 404)),
            Map.entry("POST /api/v1/leaks/github", List.of(400, 415, 503)),
            Map.entry("GET /api/v1/scanning/rules", List.of(400)),
            Map.entry("POST /api/v1/rotation-jobs", List.of(400, 415)),
            Map.entry("GET /api/v1/rotation-jobs", List.of(400)),
            Map.entry("GET /api/v1/rotation-jobs/{id}", List.of(400, 404)),
            Map.entry("DELETE /api/v1/rotation-jobs/{id}", List.of(400, 404)),
            Map.entry("POST /api/v1/scanning/verify", List.of(400, 404, 415, 429, 503)),
            Map.entry("POST /api/v1/webhooks", List.of(400, 415, 503)),
            Map.entry("GET /api/v1/webhooks", List.of()),
            Map.entry("GET /api/v1/webhooks/{id}", List.of(400, 404)),
            Map.entry("PATCH /api/v1/webhooks/{id}", List.of(400, 404, 415, 503)),
            Map.entry("DELETE /api/v1/webhooks/{id}", List.of(400, 404, 503)),
            Map.entry("POST /api/v1/webhooks/{id}/ping", List.of(400, 404)),
            Map.entry("POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver", List.of(400, 404)),
            Map.entry("GET /api/v1/webhooks/{id}/deliveries", List.of(400, 404)),
            Map.entry("POST /api/v1/webhooks/{id}/secret/rotate", List.of(400, 404, 503)));

    /** Success statuses that are not 200, which springdoc cannot infer from a ResponseEntity. */
    private static final Map<String, String> SUCCESS = Map.of(
            "POST /api/v1/keys", "201",
            "POST /api/v1/keys/{name}/rotations", "201",
            "POST /api/v1/leaks", "201",
            "POST /api/v1/rotation-jobs", "202",
            "DELETE /api/v1/keys/{name}", "204",
            "POST /api/v1/webhooks", "201",
            "DELETE /api/v1/webhooks/{id}", "204",
            "POST /api/v1/webhooks/{id}/ping", "202",
            "POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver", "202");

    /** Operations that answer 200 as well as their success status: a leak reported again. */
    private static final java.util.Set<String> ALSO_200 = java.util.Set.of("POST /api/v1/leaks");

    /** Operations whose 404 is an answer in the success body, not a problem: trufflehog's verify. */
    private static final java.util.Set<String> ANSWER_404 = java.util.Set.of("POST /api/v1/scanning/verify");

    private static final Map<Integer, String> DESCRIPTIONS = Map.of(
            400, "Invalid request (validation)",
            401, "No or unknown bearer token",
            403, "The token lacks the scope",
            404, "No such key or version",
            409,
                    "key-exists, vault-path-taken, vault-path-occupied, rotation-in-progress, vault-conflict or"
                            + " not-in-conflict",
            415, "Unsupported content type",
            422, "Idempotency-Key reused with another body",
            429, "Rotated too recently (Retry-After)",
            503, "Vault unavailable; the current key stays current and valid");

    @Bean
    OpenAPI keyrotatorOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("keyrotator")
                        .description("Rotates API keys kept in Vault / OpenBao KV v2")
                        .version("v1"))
                .components(new Components()
                        .addSecuritySchemes(
                                "bearer",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer"))
                        .addSchemas(PROBLEM, problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }

    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> {
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            NullableProperties.mark(openApi);
            openApi.getPaths()
                    .forEach((path, item) -> item.readOperationsMap()
                            .forEach((method, operation) -> declare(method + " " + path, operation)));
            // request bodies are strict JSON: an unknown field is a 400
            openApi.getComponents().getSchemas().forEach((name, schema) -> {
                if (name.endsWith("Request") || name.endsWith("Patch")) {
                    schema.setAdditionalProperties(false);
                }
            });
        };
    }

    private static void declare(String operationKey, Operation operation) {
        List<Integer> errors = ERRORS.get(operationKey);
        if (errors == null) {
            return;
        }
        operation.getResponses().keySet().removeIf(status -> !status.startsWith("2"));
        String success = SUCCESS.get(operationKey);
        ApiResponse ok = operation.getResponses().remove("200");
        if (success != null && ok != null) {
            operation
                    .getResponses()
                    .addApiResponse(
                            success,
                            ok.description(
                                    success.equals("201")
                                            ? "Created"
                                            : success.equals("202") ? "Accepted" : "No content"));
        } else if (ok != null) {
            operation.getResponses().addApiResponse("200", ok);
        }
        if (ok != null && ALSO_200.contains(operationKey)) {
            operation
                    .getResponses()
                    .addApiResponse(
                            "200",
                            new ApiResponse()
                                    .description("Reported before: the first record")
                                    .content(ok.getContent()));
        }
        // any request can be malformed (an unparsable path or query string is a 400)
        for (int status : new java.util.TreeSet<>(concat(List.of(400, 401, 403), errors))) {
            operation
                    .getResponses()
                    .addApiResponse(
                            Integer.toString(status),
                            new ApiResponse()
                                    .description(DESCRIPTIONS.get(status))
                                    .content(new Content()
                                            .addMediaType(
                                                    "application/problem+json",
                                                    new MediaType()
                                                            .schema(new Schema<>()
                                                                    .$ref("#/components/schemas/" + PROBLEM)))));
        }
        answer404(operationKey, operation, ok);
    }

    private static void answer404(String operationKey, Operation operation, @Nullable ApiResponse ok) {
        if (ok != null && ANSWER_404.contains(operationKey)) {
            operation
                    .getResponses()
                    .addApiResponse(
                            "404",
                            new ApiResponse()
                                    .description("Not a live key of ours: {\"verified\": false}")
                                    .content(ok.getContent()));
        }
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static Schema<?> problemSchema() {
        ObjectSchema error = new ObjectSchema();
        error.addProperty("field", new StringSchema());
        error.addProperty("message", new StringSchema());
        ObjectSchema problem = new ObjectSchema();
        problem.addProperty("type", new StringSchema().example("urn:keyrotator:problem:validation"));
        problem.addProperty("title", new StringSchema());
        problem.addProperty("status", new IntegerSchema());
        problem.addProperty("detail", new StringSchema());
        problem.addProperty("instance", new StringSchema());
        problem.addProperty("errors", new ArraySchema().items(error));
        return problem.required(List.of("type", "title", "status"));
    }
}
