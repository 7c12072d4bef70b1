package com.example.rmm;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class RmmApplication {
    public static void main(String[] args) {
        SpringApplication.run(RmmApplication.class, args);
    }
}
