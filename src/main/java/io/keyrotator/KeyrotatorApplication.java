package io.keyrotator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class KeyrotatorApplication {

    public static void main(String[] args) {
        SpringApplication.run(KeyrotatorApplication.class, args);
    }
}
