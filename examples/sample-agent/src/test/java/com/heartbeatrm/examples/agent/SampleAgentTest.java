package com.heartbeatrm.examples.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SampleAgentTest {
    private static final String HOME = "/home/alice";

    @Test
    @DisplayName("the default state directory is absolute and per platform, never the current directory")
    void defaultStateDirectory() {
        assertThat(SampleAgent.defaultStateDirectory("Linux", true, Map.of("XDG_STATE_HOME", "/x"), "/root"))
                .isEqualTo(Path.of("/var/lib/heartbeat-agent"));
        assertThat(SampleAgent.defaultStateDirectory("Linux", false, Map.of(), HOME)).isEqualTo(Path.of("/home/alice/.local/state/heartbeat-agent"));
        assertThat(SampleAgent.defaultStateDirectory("Linux", false, Map.of("XDG_STATE_HOME", "/srv/state"), HOME))
                .isEqualTo(Path.of("/srv/state/heartbeat-agent"));
        assertThat(SampleAgent.defaultStateDirectory("Linux", false, Map.of("XDG_STATE_HOME", "relative/state"), HOME))
                .as("a relative XDG_STATE_HOME is ignored, as the specification says").isEqualTo(Path.of("/home/alice/.local/state/heartbeat-agent"));
        assertThat(SampleAgent.defaultStateDirectory("FreeBSD", true, Map.of(), "/root")).isEqualTo(Path.of("/var/lib/heartbeat-agent"));
        assertThat(SampleAgent.defaultStateDirectory("Mac OS X", true, Map.of(), "/var/root"))
                .isEqualTo(Path.of("/Library/Application Support/HeartbeatRM"));
        assertThat(SampleAgent.defaultStateDirectory("Mac OS X", false, Map.of(), "/Users/alice"))
                .isEqualTo(Path.of("/Users/alice/Library/Application Support/HeartbeatRM"));
        assertThat(SampleAgent.defaultStateDirectory("Windows Server 2022", true, Map.of("ProgramData", "D:\\Data"), "C:\\Users\\a"))
                .isEqualTo(Path.of("D:\\Data", "HeartbeatRM"));
        assertThat(SampleAgent.defaultStateDirectory("Windows 11", false, Map.of(), "C:\\Users\\a")).isEqualTo(Path.of("C:\\ProgramData", "HeartbeatRM"));
        assertThat(SampleAgent.defaultStateDirectory(System.getProperty("os.name"), false, System.getenv(), System.getProperty("user.home")).isAbsolute())
                .isTrue();
    }
}
