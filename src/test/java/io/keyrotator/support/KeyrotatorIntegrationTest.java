package io.keyrotator.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The whole application on random ports against real PostgreSQL and OpenBao, with a movable clock
 * and the background scheduler out of the way (tests drive it), and a static API token {@link
 * TestServices#TOKEN} holding every scope. The test class registers an {@link OpenBaoExtension}
 * and calls {@link TestServices#register} from a {@code @DynamicPropertySource}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
// closed after the class: no background work of it reaches the next class's data
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "management.server.port=0",
            "keyrotator.scheduler.poll-interval=PT1H",
            "keyrotator.scheduler.initial-delay=PT1H",
            "keyrotator.limits.min-manual-interval=PT0S",
            "keyrotator.security.api-tokens[0].name=tester",
            "keyrotator.security.api-tokens[0].sha256=" + TestServices.TOKEN_SHA256,
            "keyrotator.security.api-tokens[0].scopes=keys:read,keys:write,keys:rotate,webhooks:manage,leaks:report"
        })
@Import({TestServices.class, io.keyrotator.rotation.schedule.SchedulerProbe.class})
public @interface KeyrotatorIntegrationTest {}
