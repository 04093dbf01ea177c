package io.keyrotator.emptyapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Nothing but Spring Boot's web and JPA auto-configuration over a PostgreSQL data source. */
@SpringBootApplication
public class EmptyWebJpaApplication {

    public static void main(String[] args) {
        SpringApplication.run(EmptyWebJpaApplication.class, args);
    }
}
