package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.Json;
import com.heartbeatrm.protocol.internal.Utf8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("StrictJson reads UTF-8 only")
class StrictJsonTest {
    private static final String DOC = "{\"name\":\"caf\u00e9 \ud83d\ude00\",\"n\":1}";
    private static final int MAX = 64 * 1024;

    private static byte[] bytes(Charset charset, String bom) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HexFormat.of().parseHex(bom));
        out.writeBytes(DOC.getBytes(charset));
        return out.toByteArray();
    }

    private static byte[] withBytesInString(String hex) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"name\":\"a".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(HexFormat.of().parseHex(hex));
        out.writeBytes("b\"}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static StrictJson.Problem problemOf(byte[] body) {
        try {
            StrictJson.parseObject(body, MAX);
            return null;
        } catch (StrictJson.JsonException e) {
            assertThat(e.getMessage()).doesNotContain("caf").doesNotContain("name");
            return e.problem();
        }
    }

    /** What jackson-core alone makes of the bytes: the first string value, or null when it refuses them. */
    private static String jacksonAlone(byte[] body) {
        try (JsonParser p = Json.FACTORY.createParser(body)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
            }
            return null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    @Test
    @DisplayName("UTF-8 without a BOM is read, with two-, three- and four-byte sequences and the highest code point")
    void utf8IsRead() throws Exception {
        assertThat(StrictJson.parseObject(bytes(StandardCharsets.UTF_8, ""), MAX)).containsEntry("name", "caf\u00e9 \ud83d\ude00")
                .containsEntry("n", 1L);
        assertThat(StrictJson.parseObject(withBytesInString("e282ac" + "efbfbd" + "f48fbfbf" + "ed9fbf" + "ee8080"), MAX).get("name"))
                .isEqualTo("a\u20ac\ufffd\udbff\udfff\ud7ff\ue000b");
    }

    @Test
    @DisplayName("a BOM, UTF-16 and UTF-32 (with or without a BOM) are refused as NOT_UTF8, though jackson-core alone reads each")
    void otherEncodingsAreRefused() {
        Charset utf32be = Charset.forName("UTF-32BE");
        Charset utf32le = Charset.forName("UTF-32LE");
        Map<String, byte[]> bodies = Map.of(
                "UTF-8 with a BOM", bytes(StandardCharsets.UTF_8, "efbbbf"),
                "UTF-16BE", bytes(StandardCharsets.UTF_16BE, ""),
                "UTF-16LE", bytes(StandardCharsets.UTF_16LE, ""),
                "UTF-16BE with a BOM", bytes(StandardCharsets.UTF_16BE, "feff"),
                "UTF-16LE with a BOM", bytes(StandardCharsets.UTF_16LE, "fffe"),
                "UTF-32BE", bytes(utf32be, ""),
                "UTF-32LE", bytes(utf32le, ""),
                "UTF-32BE with a BOM", bytes(utf32be, "0000feff"),
                "UTF-32LE with a BOM", bytes(utf32le, "fffe0000"));
        bodies.forEach((what, body) -> {
            assertThat(jacksonAlone(body)).as("jackson-core's own detection reads " + what).isEqualTo("caf\u00e9 \ud83d\ude00");
            assertThat(problemOf(body)).as(what).isEqualTo(StrictJson.Problem.NOT_UTF8);
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "c0af", "c1bf", "e080af", "e09fbf", "f08080af", "f08fbfbf", // overlong forms
        "eda080", "edbfbf", "eda0bdedb880", // UTF-16 surrogates, alone and as a pair ("CESU-8")
        "f4908080", "f5808080", "f8888080 80", "fc8480808080", // beyond U+10FFFF, five- and six-byte forms
        "80", "bf", "fe", "ff", // a continuation byte alone; bytes UTF-8 never uses
        "e282", "f09f98", "c3", // cut short before the closing quote
        "e24182", "c341", // a lead byte followed by ASCII
        "00" // a raw NUL: no JSON text holds one
    })
    @DisplayName("malformed UTF-8 in a string is refused as NOT_UTF8")
    void malformedInAString(String hex) {
        byte[] body = withBytesInString(hex.replace(" ", ""));
        assertThat(problemOf(body)).isEqualTo(StrictJson.Problem.NOT_UTF8);
    }

    @Test
    @DisplayName("malformed UTF-8 in a member name, and a body cut inside a sequence, are refused as NOT_UTF8")
    void malformedElsewhere() {
        byte[] name = HexFormat.of().parseHex("7b22" + "eda080" + "223a317d"); // {"<surrogate>":1}
        assertThat(problemOf(name)).isEqualTo(StrictJson.Problem.NOT_UTF8);
        byte[] cut = HexFormat.of().parseHex("7b2261223a22" + "e282"); // {"a":"<cut>
        assertThat(problemOf(cut)).isEqualTo(StrictJson.Problem.NOT_UTF8);
    }

    @Test
    @DisplayName("Utf8.check agrees with the JDK's strict UTF-8 decoder on 200,000 random byte strings (NUL and BOM aside)")
    void agreesWithTheJdkDecoder() {
        Random random = new Random(42);
        byte[] alphabet = HexFormat.of().parseHex("41 7f 80 8f 90 9f a0 bf c0 c1 c2 df e0 e1 ec ed ee ef f0 f1 f3 f4 f5 f8 fe ff"
                .replace(" ", ""));
        int accepted = 0;
        for (int t = 0; t < 200_000; t++) {
            byte[] b = new byte[1 + random.nextInt(6)];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            boolean jdk = jdkDecodes(b) && !containsNul(b) && !(b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB
                    && (b[2] & 0xFF) == 0xBF);
            boolean ours;
            try {
                Utf8.check(b);
                ours = true;
            } catch (Utf8.NotUtf8Exception e) {
                ours = false;
            }
            assertThat(ours).as(HexFormat.of().formatHex(b)).isEqualTo(jdk);
            accepted += ours ? 1 : 0;
        }
        assertThat(accepted).as("both verdicts occur").isBetween(1_000, 199_000);
    }

    private static boolean jdkDecodes(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean containsNul(byte[] b) {
        for (byte x : b) {
            if (x == 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    @DisplayName("the token codecs read through the same check: a token payload in UTF-16 is malformed")
    void parserChecksToo() {
        for (byte[] body : List.of(bytes(StandardCharsets.UTF_16LE, ""), bytes(StandardCharsets.UTF_8, "efbbbf"))) {
            assertThatThrownBy(() -> Json.parser(body)).isInstanceOf(Utf8.NotUtf8Exception.class);
        }
    }
}
