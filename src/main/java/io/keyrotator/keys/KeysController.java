package io.keyrotator.keys;

import io.keyrotator.rotation.ManagedKey.KeyState;
import io.keyrotator.rotation.protocol.Adoption;
import java.net.URI;
import java.security.Principal;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/keys")
class KeysController {

    private static final int MAX_PAGE_SIZE = 200;
    private static final int MAX_PAGE = 1_000_000;

    private final KeyService keys;
    private final Adoption adoption;

    KeysController(KeyService keys, Adoption adoption) {
        this.keys = keys;
        this.adoption = adoption;
    }

    @PostMapping
    ResponseEntity<KeyView> register(@RequestBody KeyRequest request, Principal principal) {
        KeyView view = keys.register(request, principal.getName());
        return ResponseEntity.created(URI.create("/api/v1/keys/" + view.name())).body(view);
    }

    @GetMapping
    KeyPage list(
            @RequestParam(required = false) @Nullable KeyState state,
            @RequestParam(required = false) @Nullable String label,
            @RequestParam(defaultValue = "0")
                    @jakarta.validation.constraints.Min(0)
                    @jakarta.validation.constraints.Max(MAX_PAGE)
                    int page,
            @RequestParam(defaultValue = "50")
                    @jakarta.validation.constraints.Min(1)
                    @jakarta.validation.constraints.Max(MAX_PAGE_SIZE)
                    int size) {
        return keys.page(state, label, page, size);
    }

    @GetMapping("/{name}")
    KeyView get(@PathVariable String name) {
        return keys.view(name);
    }

    @PatchMapping(
            path = "/{name}",
            consumes = {"application/merge-patch+json", "application/json"})
    KeyView patch(@PathVariable String name, @RequestBody KeyPatch patch) {
        return keys.patch(name, patch);
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name, @RequestParam(defaultValue = "false") boolean purge) {
        keys.delete(name, purge);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{name}/adopt")
    KeyView adopt(@PathVariable String name, Principal principal) {
        adoption.adopt(name, principal.getName());
        return keys.view(name);
    }
}
