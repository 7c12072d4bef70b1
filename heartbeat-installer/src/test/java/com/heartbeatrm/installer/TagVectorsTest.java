package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every tag vector of {@code docs/testdata/tags} read by {@link InstallerReader}: format and token, or the refusal. */
class TagVectorsTest {
    private static String fullToken() throws Exception {
        JsonNode tokens = new ObjectMapper().readTree(Path.of("..", "docs", "testdata", "tokens.json").toFile());
        for (JsonNode v : tokens.get("vectors")) {
            if (v.get("name").asText().equals("full")) {
                return v.get("token").asText();
            }
        }
        throw new IllegalStateException("tokens.json has no \"full\" vector");
    }

    @Test
    void filesMatchTheList() throws Exception {
        if (Boolean.getBoolean("heartbeat.vectors.write")) {
            TagVectors.writeAll(fullToken());
        } else if (Boolean.getBoolean("heartbeat.vectors.refusals")) {
            TagVectors.writeRefusals(fullToken());
        }
        List<String> present = new ArrayList<>();
        try (Stream<Path> s = Files.list(TagVectors.DIR)) {
            s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("token.txt")).forEach(present::add);
        }
        assertThat(present).containsExactlyInAnyOrderElementsOf(TagVectors.expected().keySet());
        assertThat(Files.readString(TagVectors.DIR.getParent().resolve("tags.json"), StandardCharsets.US_ASCII)).isEqualTo(TagVectors.listing());
        assertThat(Files.readString(TagVectors.DIR.resolve("token.txt"), StandardCharsets.US_ASCII).strip()).isEqualTo(fullToken());
    }

    static Stream<Map.Entry<String, String>> vectors() {
        return TagVectors.expected().entrySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void read(Map.Entry<String, String> v) throws Exception {
        Path file = TagVectors.DIR.resolve(v.getKey());
        String want = v.getValue();
        if (want.startsWith("error:")) {
            assertThatThrownBy(() -> InstallerReader.read(file)).isInstanceOfSatisfying(InstallerException.class,
                    e -> assertThat(e.reason().name()).isEqualTo(want.substring("error:".length())));
        } else if (want.equals("none")) {
            assertThatThrownBy(() -> InstallerReader.read(file)).isInstanceOfSatisfying(InstallerException.class,
                    e -> assertThat(e.reason()).isEqualTo(InstallerException.Reason.NO_TAG));
        } else {
            InstallerTag tag = InstallerReader.read(file);
            assertThat(tag.format().name()).isEqualTo(want);
            assertThat(tag.token().reveal()).isEqualTo(fullToken());
        }
    }
}
