package com.heartbeatrm.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Spring Security request matchers for HeartbeatRM's endpoints, at the paths the properties configure, so that the
 * application's {@code SecurityFilterChain} never repeats them:
 * <pre>{@code
 * http.authorizeHttpRequests(a -> a.requestMatchers(heartbeat.agentEndpoints()).permitAll()
 *                                  .requestMatchers(heartbeat.adminApi()).authenticated())
 *     .csrf(c -> c.ignoringRequestMatchers(heartbeat.agentEndpoints()));
 * }</pre>
 * Agents reach {@link #agentEndpoints()} without a login and without a CSRF token: each enrollment or renewal carries
 * its own proof (a signed installer token, or the agent's key and credential), and the issuer key set is public keys.
 * The admin API must stay behind the application's authentication. A bean when Spring Security is present.
 */
public final class HeartbeatRequestMatchers {
    private final HeartbeatProperties properties;

    /**
     * Matchers for the paths these properties configure, read when each matcher is built.
     *
     * @param properties the bound {@code heartbeat.*} properties
     */
    public HeartbeatRequestMatchers(HeartbeatProperties properties) {
        this.properties = properties;
    }

    /**
     * {@code POST {heartbeat.enrollment.path}/enroll} and {@code /renew}: everything under the enrollment path.
     *
     * @return a matcher of every path under the enrollment path
     */
    public RequestMatcher enrollment() {
        return under(properties.getEnrollment().getPath());
    }

    /**
     * Everything under {@code heartbeat.admin-api.path}.
     *
     * @return a matcher for the admin API; keep it behind the application's authentication
     */
    public RequestMatcher adminApi() {
        return under(properties.getAdminApi().getPath());
    }

    /**
     * The issuer key set at {@code heartbeat.issuer-keys.path}.
     *
     * @return a matcher of that one path
     */
    public RequestMatcher issuerKeys() {
        return PathPatternRequestMatcher.withDefaults().matcher(HeartbeatProperties.normalized(properties.getIssuerKeys().getPath()));
    }

    /**
     * What agents and their builds reach without a login or CSRF token: the enrollment endpoints, and the issuer key
     * set when served.
     *
     * @return the enrollment matcher, or-ed with the issuer key set's when {@code heartbeat.issuer-keys.enabled}
     */
    public RequestMatcher agentEndpoints() {
        List<RequestMatcher> m = new ArrayList<>(List.of(enrollment()));
        if (properties.getIssuerKeys().isEnabled()) {
            m.add(issuerKeys());
        }
        return new OrRequestMatcher(m);
    }

    private static RequestMatcher under(String path) {
        return PathPatternRequestMatcher.withDefaults().matcher(HeartbeatProperties.normalized(path) + "/**");
    }

    @Override
    public String toString() {
        return "HeartbeatRequestMatchers[" + properties.getEnrollment().getPath() + ", " + properties.getAdminApi().getPath() + "]";
    }
}
