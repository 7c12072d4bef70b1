package com.heartbeatrm.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's static files: what is served, with which headers, and rules the browser's CSP depends on. */
class ConsoleAssetsTest {
    private static final List<String> SCRIPTS = ConsoleAssets.FILES.keySet().stream().filter(n -> n.endsWith(".js")).sorted().toList();
    private static ReferenceServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.plain().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path, String method) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("/com/heartbeatrm/examples/console/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesTheIndexAndEveryModuleWithAStrictPolicy() throws Exception {
        assertThat(SCRIPTS).contains("app.js", "api.js", "ui.js", "keys.js", "installers.js", "groups.js", "agents.js", "audit.js");
        HttpResponse<String> index = get("/", "GET");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(index.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleAssets.CSP);
        assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(index.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(ConsoleAssets.CSP).contains("script-src 'self'").doesNotContain("unsafe");
        for (String js : SCRIPTS) {
            HttpResponse<String> r = get("/" + js, "GET");
            assertThat(r.statusCode()).as(js).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
            assertThat(r.body()).isEqualTo(resource(js));
        }
        assertThat(get("/console.css", "HEAD").statusCode()).isEqualTo(200);
    }

    @Test
    void servesNothingElse() throws Exception {
        for (String path : List.of("/nope.js", "/../pom.xml", "/%2e%2e/kek.bin", "/com/heartbeatrm/examples/console/app.js", "/index.html/x",
                "/ConsoleAssets.class")) {
            // Not served: a 404, or Jetty's 400 for a path that escapes the root.
            assertThat(get(path, "GET").statusCode()).as(path).isIn(400, 404);
        }
        assertThat(get("/", "POST").statusCode()).isEqualTo(405);
        assertThat(get("/", "DELETE").statusCode()).isEqualTo(405);
    }

    @Test
    void theMarkupAndScriptsNeedNoInlineCodeAndNeverWriteHtml() throws Exception {
        String html = resource("index.html");
        assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContainPattern("\\sstyle=").doesNotContainPattern("\\son[a-z]+=")
                .doesNotContain("<style");
        for (String js : SCRIPTS) {
            String code = resource(js);
            // Text from people and agents goes in as text: no HTML sinks, no code from strings.
            assertThat(code).as(js).doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
                    .doesNotContain("document.write").doesNotContain("eval(").doesNotContain("new Function").doesNotContain("localStorage.setItem");
            Matcher imports = Pattern.compile("from '\\./([a-z-]+\\.js)'").matcher(code);
            while (imports.find()) {
                assertThat(SCRIPTS).as(js + " imports " + imports.group(1)).contains(imports.group(1));
            }
        }
    }
}
