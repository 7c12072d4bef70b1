package com.example.rmm;

import com.heartbeatrm.spring.autoconfigure.HeartbeatRequestMatchers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The host's security, as the README describes it: agents reach the enrollment endpoints and the issuer key set
 * without a login or CSRF token; the admin API needs a login (HTTP Basic here: a stateless API client, so no CSRF
 * token either); the users are added by the test, with their HeartbeatRM authorities.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityRules {
    @Bean
    SecurityFilterChain rmmSecurity(HttpSecurity http, HeartbeatRequestMatchers heartbeat) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers(heartbeat.agentEndpoints()).permitAll()
                        .requestMatchers(PathPatternRequestMatcher.withDefaults().matcher("/actuator/**")).permitAll()
                        .requestMatchers(heartbeat.adminApi()).authenticated()
                        .anyRequest().denyAll())
                .csrf(c -> c.ignoringRequestMatchers(heartbeat.agentEndpoints(), heartbeat.adminApi()))
                .httpBasic(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    InMemoryUserDetailsManager users() {
        return new InMemoryUserDetailsManager();
    }
}
