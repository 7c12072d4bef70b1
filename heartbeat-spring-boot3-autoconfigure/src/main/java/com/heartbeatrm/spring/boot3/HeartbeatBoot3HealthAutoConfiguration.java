package com.heartbeatrm.spring.boot3;

import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.spring.autoconfigure.HeartbeatAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code heartbeat} health indicator on Spring Boot 3's actuator ({@code org.springframework.boot.actuate.health},
 * which Boot 4 replaced by {@code org.springframework.boot.health.contributor}); absent on Boot 4.
 */
@AutoConfiguration(after = HeartbeatAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.AbstractHealthIndicator")
public class HeartbeatBoot3HealthAutoConfiguration {
    @Bean
    @ConditionalOnBean(HeartbeatServer.class)
    @ConditionalOnMissingBean(name = "heartbeatHealthIndicator")
    HeartbeatBoot3HealthIndicator heartbeatHealthIndicator(HeartbeatServer server) {
        return new HeartbeatBoot3HealthIndicator(server);
    }
}
