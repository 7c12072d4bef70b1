package com.heartbeatrm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickstartTest {
    @Test
    void walksThroughTheProductText() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        new Quickstart(new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("default access key").contains("Customer A Access Key")
                .contains("inherited from Customer A").contains("locked by Customer A")
                .contains("status DISABLED").contains("future installs land in \"Customer B\"")
                .contains("every step behaved as expected");
    }
}
