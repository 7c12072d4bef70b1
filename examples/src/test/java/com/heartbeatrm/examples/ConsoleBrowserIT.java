package com.heartbeatrm.examples;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}), against
 * {@code heartbeat.jar serve} started as a separate process, the way an operator tries it. The walk follows the
 * product text literally: sign in; Keys; plus; name; Modify; pick the group; Submit; Installers; pick the key;
 * Generate Installer; the downloaded file is checked with {@code installers inspect} and run as a fresh install.
 * Screenshots of every screen go to {@code target/screenshots/}.
 *
 * <p>Without the browser it is skipped with a message that says how to install it, except under {@code CI=true},
 * where it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String KEY_NAME = "Customer A Access Key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    private final Path jar = module.resolve("target/heartbeat.jar");
    private final Path screenshots = module.resolve("target/screenshots");
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private final String adminToken = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
    private Path work;
    private Path data;
    private Path downloads;
    private Process server;
    private String base;
    private WebDriver driver;
    private WebDriverWait wait;
    private String keyId;
    private Path installer;
    private Path uploaded;

    @BeforeAll
    void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String how = "the console's browser tests need Debian's chromium and chromium-driver at " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": run `apt-get install chromium chromium-driver` (.ci/run does) to enable them";
            if ("true".equals(System.getenv("CI"))) {
                fail(how);
            }
            Assumptions.abort(how);
        }
        assertThat(jar).as("run `mvn package` first: the test starts the shaded jar").exists();
        work = Files.createTempDirectory("heartbeat-console-it");
        data = work.resolve("data");
        downloads = Files.createDirectories(work.resolve("downloads"));
        Files.createDirectories(screenshots);
        int port = freePort();
        base = "https://127.0.0.1:" + port;
        assertThat(cli("init", "--org", "Acme MSP", "--server-url", base).exit).isZero();
        // Chromium trusts the server's self-signed key by its pin (standard base64 of the SPKI's SHA-256), nothing wider.
        String pin = cli("tls", "show").output.lines().findFirst().orElseThrow().strip();
        String spki = Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(pin));
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString(), "--data", data.toString(), "serve", "--port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(work.resolve("serve.log").toFile());
        pb.environment().put("HEARTBEAT_ADMIN_TOKEN", adminToken);
        server = pb.start();
        waitForPort(port);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createDirectories(work.resolve("profile")), "--window-size=1280,800",
                "--ignore-certificate-errors-spki-list=" + spki);
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toString());
        prefs.put("download.prompt_for_download", false);
        prefs.put("download.directory_upgrade", true);
        options.setExperimentalOption("prefs", prefs);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogFile(work.resolve("chromedriver.log").toFile()).build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        // Headless Chromium saves downloads only when told where.
        ((ChromeDriver) driver).executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", downloads.toString()));
    }

    @AfterAll
    void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void signInRefusesAWrongTokenInWordsThenSignsIn() {
        driver.get(base + "/");
        WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("token")));
        token.sendKeys("not-the-token");
        driver.findElement(By.id("sign-in")).click();
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".signin .error")));
        assertThat(error.getText()).containsIgnoringCase("wrong admin token");
        assertThat(previousSibling(error).getAttribute("name")).as("the error sits next to the token field").isEqualTo("token");
        screenshot("sign-in");

        // A wrong token slows this address down for a moment (250 ms after the first failure): wait it out.
        sleep(400);
        token.clear();
        token.sendKeys(adminToken);
        driver.findElement(By.id("sign-in")).click();
        waitForView("keys");
        assertThat(driver.findElement(By.id("menu")).isDisplayed()).isTrue();
        assertThat(driver.getCurrentUrl()).doesNotContain(adminToken);
        assertThat((Long) js("return window.localStorage.length")).as("nothing in localStorage").isZero();
    }

    @Test
    @Order(2)
    void groupsScreenBuildsTheTreeWithSettingsAndLocks() {
        menu("Groups");
        waitForView("groups");
        createGroup("/", "Customer A");
        createGroup("/", "Customer B");
        createGroup("Customer A", "Site 1");

        // A duplicate sibling name: the API's words appear next to the name field, the dialog stays open.
        pickInTree("/");
        clickButton("#group-detail", "New subgroup");
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog input[name=name]")));
        name.sendKeys("customer a");
        clickButton("dialog", "Create group");
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog .error")));
        assertThat(error.getText()).contains("already in use");
        assertThat(previousSibling(error).getAttribute("name")).isEqualTo("name");
        clickButton("dialog", "Cancel");

        // The console keeps and sends the organization by id; a name shaped like an id (here that one) is refused in words.
        String orgId = (String) js("return sessionStorage.getItem('heartbeat.organization')");
        assertThat(orgId).as("the organization is addressed by id").matches("org_[A-Za-z0-9_-]{22}");
        clickButton("#group-detail", "New subgroup");
        WebElement idShaped = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog input[name=name]")));
        idShaped.sendKeys(orgId);
        clickButton("dialog", "Create group");
        WebElement refused = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog .error")));
        assertThat(refused.getText()).contains("must not look like an id");
        assertThat(previousSibling(refused).getAttribute("name")).isEqualTo("name");
        clickButton("dialog", "Cancel");

        pickInTree("Customer B");
        clickButton("#group-detail", "Rename");
        WebElement rename = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog input[name=name]")));
        rename.clear();
        rename.sendKeys("Customer B West");
        clickButton("dialog", "Rename");
        wait.until(ExpectedConditions.textToBe(By.id("group-title"), "Customer B West"));

        // Move and delete: a group with a subgroup is refused in words naming it; an empty one goes.
        createGroup("/", "Temp");
        clickButton("#group-detail", "Move");
        treeNode("#group-picker", "Customer B West").click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#group-tree button.node[data-path='Customer B West/Temp']")));
        pickInTree("Customer A");
        clickButton("#group-detail", "Delete");
        clickButton("dialog", "Delete group");
        WebElement blocked = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog .error")));
        assertThat(blocked.getText()).contains("Site 1");
        clickButton("dialog", "Cancel");
        pickInTree("Customer B West/Temp");
        clickButton("#group-detail", "Delete");
        clickButton("dialog", "Delete group");
        wait.until(ExpectedConditions.textToBe(By.id("group-title"), "Customer B West"));
        assertThat(driver.findElements(By.cssSelector("#group-tree button.node[data-path='Customer B West/Temp']"))).isEmpty();

        // Customer A sets a 6h credential lifetime and locks it; a bad network list is refused next to its input.
        pickInTree("Customer A");
        settingInput("agentCredentialTtl").sendKeys("6h");
        driver.findElement(By.cssSelector("tr[data-setting=agentCredentialTtl] input[type=checkbox]")).click();
        settingInput("allowedNetworks").sendKeys("10.0.0.1/8");
        driver.findElement(By.id("save-settings")).click();
        WebElement bad = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-setting=allowedNetworks] .error")));
        assertThat(bad.getText()).containsIgnoringCase("10.0.0.1/8");
        settingInput("allowedNetworks").clear();
        driver.findElement(By.id("save-settings")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("group-detail"), "Saved."));
        assertThat(driver.findElement(By.cssSelector("tr[data-setting=agentCredentialTtl] .source")).getText()).isEqualTo("set here, locked here");

        pickInTree("Customer A/Site 1");
        wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-setting=agentCredentialTtl] .source"),
                "inherited from Customer A, locked by Customer A"));
        assertThat(driver.findElement(By.cssSelector("tr[data-setting=agentCredentialTtl] .effective")).getText()).isEqualTo("6h");
        assertThat(settingInput("agentCredentialTtl").isEnabled()).as("a setting locked above cannot be overridden").isFalse();
        screenshot("groups");
        assertNoHorizontalOverflow();
    }

    @Test
    @Order(3)
    void keysPlusNameModifyPickSubmit() {
        menu("Keys");
        waitForView("keys");
        // Rename the default key first: the new name shows in the list at once.
        buttonIn(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-name='Default access key']"))), "Rename").click();
        WebElement rename = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog input[name=name]")));
        rename.clear();
        rename.sendKeys("Acme MSP default key");
        clickButton("dialog", "Rename");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-name='Acme MSP default key']")));

        driver.findElement(By.id("new-key")).click(); // the plus icon
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#new-key-dialog input[name=name]")));
        clickButton("#new-key-dialog", "Submit");
        WebElement missing = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#new-key-dialog .error")));
        assertThat(missing.getText()).contains("name");
        assertThat(previousSibling(missing).getAttribute("name")).isEqualTo("name");

        name.sendKeys(KEY_NAME);
        clickButton("#new-key-dialog", "Modify");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("group-picker")));
        screenshot("keys-group-picker");
        treeNode("#group-picker", "Customer A").click();
        wait.until(ExpectedConditions.textToBe(By.id("new-key-group"), "Customer A"));
        screenshot("keys-new-key");
        clickButton("#new-key-dialog", "Submit");

        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(keyRow()));
        assertThat(row.findElement(By.cssSelector("td.group")).getText()).isEqualTo("Customer A");
        assertThat(row.findElement(By.cssSelector("td.key-status")).getText()).contains("Enabled");
        keyId = row.getAttribute("data-key");
        assertThat(keyId).startsWith("hbk_");
        screenshot("keys");
        assertNoHorizontalOverflow();
    }

    @Test
    @Order(4)
    void installersPickTheKeyGenerateInstallerDownloadsIt() throws Exception {
        menu("Installers");
        waitForView("installers");
        pickKey();
        driver.findElement(By.id("generate-installer")).click();
        installer = awaitDownload(Set.of());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("installer-result"), "Downloaded"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#installer-list tr[data-installer]")));
        screenshot("installers");
        assertNoHorizontalOverflow();

        JsonNode token = JSON.readTree(cli("installers", "inspect", installer.toString()).output);
        assertThat(token.path("accessKeyId").asText()).as("the downloaded file's token names the key").isEqualTo(keyId);
        assertThat(token.path("endpoints").get(0).asText()).isEqualTo(base + "/v1/");

        Result run = agent(installer, "pc1");
        assertThat(run.exit).as(run.output).isZero();
        assertThat(run.output).contains("enrolled").contains("\"Customer A\"");

        // A single-use link: one computer enrolls with it, the next is refused; the list says it was used.
        assertThat(driver.findElements(By.cssSelector("#installer-channels tr[data-channel]"))).hasSize(4);
        driver.findElement(By.id("installer-single-use")).click();
        driver.findElement(By.id("generate-installer")).click();
        Path single = awaitDownload(Set.of(installer.getFileName().toString()));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("installer-result"), "Downloaded"));
        String singleId = JSON.readTree(cli("installers", "inspect", single.toString()).output).path("installerId").asText();
        Result once = agent(single, "pc-single-1");
        assertThat(once.exit).as(once.output).isZero();
        Result twice = agent(single, "pc-single-2");
        assertThat(twice.exit).as(twice.output).isEqualTo(3);
        assertThat(twice.output).contains("installer_used");
        Files.delete(single);
        menu("Agents");
        waitForView("agents");
        menu("Installers");
        waitForView("installers");
        pickKey();
        By singleRow = By.cssSelector("#installer-list tr[data-installer='" + singleId + "']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(singleRow, "single use: 1 of 1"));
        assertThat(driver.findElement(singleRow).getText()).contains("Used");
    }

    @Test
    @Order(5)
    void agentsScreenShowsTheNewAgentInCustomerA() {
        menu("Agents");
        waitForView("agents");
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#agent-list tr[data-agent]")));
        assertThat(row.findElement(By.cssSelector(".agent-group")).getText()).isEqualTo("Customer A");
        assertThat(row.getText()).contains("Active").contains(KEY_NAME);
        screenshot("agents");
        assertNoHorizontalOverflow();
    }

    @Test
    @Order(6)
    void disablingTheKeyInTheConsoleRefusesAFreshInstall() throws Exception {
        menu("Keys");
        waitForView("keys");
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(keyRow()));
        buttonIn(row, "Disable").click();
        WebElement warning = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#disable-key-dialog .warning")));
        assertThat(warning.getText()).contains("Every installer that uses this key stops working");
        driver.findElement(By.cssSelector("#disable-key-dialog input[name=reason]")).sendKeys("Customer A offboarded");
        screenshot("keys-disable");
        clickButton("#disable-key-dialog", "Disable key");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(keyStatus(), "Customer A offboarded"));
        assertThat(driver.findElement(keyStatus()).getText()).contains("Disabled").contains("by admin-api");
        screenshot("keys-disabled");

        Result fresh = agent(installer, "pc2");
        assertThat(fresh.exit).as(fresh.output).isEqualTo(3);
        assertThat(fresh.output).contains("access key was disabled");
        Result renew = run(List.of(java, "-jar", installer.toString(), "--state-dir", work.resolve("pc1").toString(), "--renew-now"));
        assertThat(renew.exit).as("an agent already enrolled keeps working: " + renew.output).isZero();
        assertThat(renew.output).contains("renewed");

        // The console refuses a new installer for the disabled key, in words, next to the button.
        menu("Installers");
        waitForView("installers");
        pickKey();
        driver.findElement(By.id("generate-installer")).click();
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#view-installers form .error")));
        assertThat(error.getText()).containsIgnoringCase("disabled");
        assertThat(previousSibling(error).getAttribute("id")).isEqualTo("generate-installer");
        // The same with a 16 MiB base installer to upload: the refusal arrives in words, not as a reset connection.
        driver.findElement(By.id("installer-base")).sendKeys(installer.toString());
        driver.findElement(By.id("generate-installer")).click();
        wait.until(ExpectedConditions.stalenessOf(error));
        WebElement uploadError = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#view-installers form .error")));
        assertThat(uploadError.getText()).containsIgnoringCase("access key").contains("is disabled");
    }

    @Test
    @Order(7)
    void auditFiltersBySubjectAndTime() {
        menu("Audit");
        waitForView("audit");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#audit-results tr[data-action=GROUP_CREATED]")));
        new Select(driver.findElement(By.id("audit-type"))).selectByVisibleText("Access key");
        new Select(driver.findElement(By.id("audit-subject"))).selectByVisibleText(KEY_NAME);
        driver.findElement(By.id("audit-apply")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#audit-results tr[data-action=KEY_DISABLED]")));
        assertThat(driver.findElements(By.cssSelector("#audit-results tr[data-action=KEY_CREATED]"))).hasSize(1);
        assertThat(driver.findElements(By.cssSelector("#audit-results tr[data-action=GROUP_CREATED]"))).isEmpty();
        assertThat(driver.findElement(By.cssSelector("#audit-results tr[data-action=KEY_DISABLED]")).getText()).contains("Customer A offboarded");
        screenshot("audit");
        assertNoHorizontalOverflow();

        // A window that ends before it starts is refused next to "To"; one in the future matches nothing.
        js("document.getElementById('audit-from').value = '2099-01-01T00:00'; document.getElementById('audit-to').value = '2098-01-01T00:00';");
        driver.findElement(By.id("audit-apply")).click();
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#view-audit form .error")));
        assertThat(error.getText()).contains("after");
        assertThat(previousSibling(error).getAttribute("id")).isEqualTo("audit-to");
        js("document.getElementById('audit-to').value = '';");
        driver.findElement(By.id("audit-apply")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-results"), "Nothing matches"));
        driver.findElement(By.id("audit-reset")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#audit-results tr[data-action=GROUP_CREATED]")));
    }

    @Test
    @Order(8)
    void enableRepointAndAnUploadedBaseInstallerThenRevokeIt() throws Exception {
        menu("Keys");
        waitForView("keys");
        buttonIn(wait.until(ExpectedConditions.visibilityOfElementLocated(keyRow())), "Enable").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(keyStatus(), "Enabled"));
        buttonIn(driver.findElement(keyRow()), "Re-point").click();
        treeNode("#group-picker", "Customer B West").click();
        wait.until(ExpectedConditions.textToBe(new By.ByCssSelector("tr[data-name='" + KEY_NAME + "'] td.group"), "Customer B West"));

        // The installer generated before the re-point now lands in the new group: no regeneration.
        Result moved = agent(installer, "pc3");
        assertThat(moved.exit).as(moved.output).isZero();
        assertThat(moved.output).contains("\"Customer B West\"");

        // The operator's own base installer, uploaded, for Linux.
        Path baseFile = work.resolve("my-agent.jar");
        assertThat(cli("agent-base", "--out", baseFile.toString()).exit).isZero();
        menu("Installers");
        waitForView("installers");
        pickKey();
        new Select(driver.findElement(By.id("installer-platform"))).selectByVisibleText("Linux");
        driver.findElement(By.id("installer-base")).sendKeys(baseFile.toString());
        driver.findElement(By.id("generate-installer")).click();
        uploaded = awaitDownload(Set.of(installer.getFileName().toString()));
        assertThat(uploaded.getFileName().toString()).startsWith("my-agent-ins_").endsWith(".jar");
        JsonNode token = JSON.readTree(cli("installers", "inspect", uploaded.toString()).output);
        assertThat(token.path("accessKeyId").asText()).isEqualTo(keyId);
        assertThat(token.path("platform").asText()).isEqualTo("linux");
        Result viaUpload = agent(uploaded, "pc4");
        assertThat(viaUpload.exit).as(viaUpload.output).isZero();

        String uploadedId = token.path("installerId").asText();
        By uploadedRow = By.cssSelector("#installer-list tr[data-installer='" + uploadedId + "']");
        buttonIn(wait.until(ExpectedConditions.visibilityOfElementLocated(uploadedRow)), "Revoke").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog input[name=reason]"))).sendKeys("sent to the wrong customer");
        clickButton("dialog", "Revoke installer");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(uploadedRow, "Revoked"));
        screenshot("installers-revoked");
        Result revoked = agent(uploaded, "pc5");
        assertThat(revoked.exit).as(revoked.output).isEqualTo(3);
        Result other = agent(installer, "pc6");
        assertThat(other.exit).as("the key's other installer still works: " + other.output).isZero();
    }

    @Test
    @Order(9)
    void pendingAgentsAreApprovedAndMovedFromTheAgentsScreen() throws Exception {
        menu("Groups");
        waitForView("groups");
        pickInTree("Customer B West");
        new Select(driver.findElement(By.cssSelector("tr[data-setting=requireApproval] select"))).selectByVisibleText("true");
        driver.findElement(By.id("save-settings")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("group-detail"), "Saved."));

        Result pending = agent(installer, "pc7");
        assertThat(pending.exit).as(pending.output).isEqualTo(2);
        String agentId = pending.output.replaceAll("(?s).*agent (agt_[A-Za-z0-9_-]+).*", "$1");

        menu("Agents");
        waitForView("agents");
        WebElement waiting = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#pending-agents tr[data-agent='" + agentId + "']")));
        screenshot("agents-pending");
        buttonIn(waiting, "Approve").click();
        By listed = By.cssSelector("#agent-list tr[data-agent='" + agentId + "']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(listed, "Active"));
        assertThat(driver.findElements(By.cssSelector("#pending-agents tr[data-agent]"))).isEmpty();

        buttonIn(driver.findElement(listed), "Move").click();
        treeNode("#group-picker", "Site 1").click();
        wait.until(ExpectedConditions.textToBe(new By.ByCssSelector("#agent-list tr[data-agent='" + agentId + "'] .agent-group"),
                "Customer A/Site 1"));
        new Select(driver.findElement(By.id("agent-group"))).selectByVisibleText("Customer A/Site 1");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#agent-list tr[data-agent]"), 1));
    }

    @Test
    @Order(10)
    void organizationsAreChosenByIdAndNoNameLooksLikeOne() throws Exception {
        String acmeId = (String) js("return sessionStorage.getItem('heartbeat.organization')");
        assertThat(acmeId).matches("org_[A-Za-z0-9_-]{22}");
        // The CLI sets names through the same rule: an organization named like Acme's id is refused, in words.
        Result named = cli("init", "--org", acmeId, "--server-url", base);
        assertThat(named.exit).isNotZero();
        assertThat(named.output).contains("must not look like an id");
        assertThat(cli("init", "--org", "Beta MSP", "--server-url", base).exit).isZero();

        // With two organizations the picker shows their names and carries their ids; each shows its own keys.
        driver.get(base + "/#/keys");
        driver.navigate().refresh();
        waitForView("keys");
        Select picker = new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("org"))));
        assertThat(picker.getOptions()).extracting(WebElement::getText).containsExactlyInAnyOrder("Acme MSP", "Beta MSP");
        assertThat(picker.getFirstSelectedOption().getAttribute("value")).isEqualTo(acmeId);
        picker.selectByVisibleText("Beta MSP");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-name='" + KEY_NAME + "']")));
        waitForView("keys");
        String betaId = (String) js("return sessionStorage.getItem('heartbeat.organization')");
        assertThat(betaId).matches("org_[A-Za-z0-9_-]{22}").isNotEqualTo(acmeId);
        assertThat(driver.findElements(By.cssSelector("#view-keys tr[data-key]"))).hasSize(1);
        assertThat(driver.findElement(By.cssSelector("#view-keys tr[data-key]")).getAttribute("data-name")).isEqualTo("Default access key");
        new Select(driver.findElement(By.id("org"))).selectByVisibleText("Acme MSP");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-name='" + KEY_NAME + "']")));
        assertThat(js("return sessionStorage.getItem('heartbeat.organization')")).isEqualTo(acmeId);
    }

    @Test
    @Order(11)
    void narrowWindowHasNoSidewaysScrollingAndSignOutForgetsTheToken() {
        // A phone-sized viewport (390 x 844 CSS pixels, as a mobile device): below the headless window's minimum size.
        ChromeDriver chrome = (ChromeDriver) driver;
        chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
        try {
            for (String view : List.of("keys", "installers", "groups", "agents", "audit")) {
                driver.get(base + "/#/" + view);
                waitForView(view);
                assertNoHorizontalOverflow();
                if (view.equals("keys") || view.equals("installers")) {
                    screenshot(view + "-narrow");
                }
            }
        } finally {
            chrome.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
        driver.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("token")));
        assertThat((Long) js("return window.sessionStorage.length + window.localStorage.length")).isZero();
        driver.get(base + "/#/keys");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("token")));
    }

    @Test
    @Order(12)
    void theBrowserLoggedNoScriptErrorsOrPolicyViolations() {
        List<String> problems = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            String m = e.getMessage();
            // Refusals the walk provokes on purpose (401 at sign-in, 400/409 on bad input) are logged as failed loads.
            boolean expected = m.matches("(?s)" + Pattern.quote(base) + "/api/\\S+ - Failed to load resource: the server responded with a status of 4.*");
            if (e.getLevel().intValue() >= Level.WARNING.intValue() && !expected) {
                problems.add(m);
            }
        }
        assertThat(problems).isEmpty();
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private void menu(String item) {
        driver.findElement(By.id("menu")).findElement(By.linkText(item)).click();
    }

    private void waitForView(String view) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#view-" + view + "[aria-busy=false]")));
    }

    private void createGroup(String parent, String name) {
        pickInTree(parent);
        clickButton("#group-detail", "New subgroup");
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog input[name=name]")));
        input.sendKeys(name);
        clickButton("dialog", "Create group");
        String path = parent.equals("/") ? name : parent + "/" + name;
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#group-tree button.node[data-path='" + path + "'][aria-selected=true]")));
        wait.until(ExpectedConditions.textToBe(By.id("group-title"), name));
    }

    private void pickInTree(String path) {
        String title = path.equals("/") ? "Acme MSP (root)" : path.substring(path.lastIndexOf('/') + 1);
        driver.findElement(By.cssSelector("#group-tree button.node[data-path='" + path + "']")).click();
        wait.until(ExpectedConditions.textToBe(By.id("group-title"), title));
    }

    private WebElement treeNode(String container, String name) {
        return wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//*[@id='" + container.substring(1) + "']"
                + "//button[contains(@class,'node') and normalize-space(.)='" + name + "']")));
    }

    private WebElement settingInput(String setting) {
        return driver.findElement(By.cssSelector("#group-detail input[name=" + setting + "]"));
    }

    private void clickButton(String scope, String text) {
        WebElement root = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(scope)));
        buttonIn(root, text).click();
    }

    private WebElement buttonIn(WebElement root, String text) {
        return wait.until(d -> root.findElements(By.tagName("button")).stream()
                .filter(b -> b.getText().strip().equals(text) && b.isDisplayed() && b.isEnabled()).findFirst().orElse(null));
    }

    private By keyRow() {
        return By.cssSelector("tr[data-name='" + KEY_NAME + "']");
    }

    private By keyStatus() {
        return By.cssSelector("tr[data-name='" + KEY_NAME + "'] td.key-status");
    }

    private void pickKey() {
        Select keys = new Select(wait.until(ExpectedConditions.elementToBeClickable(By.id("installer-key"))));
        keys.selectByValue(keyId);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("installer-list"), KEY_NAME));
    }

    private WebElement previousSibling(WebElement e) {
        return (WebElement) js("return arguments[0].previousElementSibling", e);
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private void assertNoHorizontalOverflow() {
        Long overflow = (Long) js("return Math.max(0, document.documentElement.scrollWidth - window.innerWidth)");
        assertThat(overflow).as("the page scrolls sideways at " + js("return window.innerWidth + 'x' + window.innerHeight")).isZero();
    }

    private void screenshot(String name) {
        try {
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(screenshots.resolve(name + ".png"), png);
            // -Dheartbeat.docs.screenshots=DIR refreshes the README's pictures (docs/screenshots) from this very run.
            String docs = System.getProperty("heartbeat.docs.screenshots", "");
            if (!docs.isEmpty() && Files.exists(Path.of(docs).resolve(name + ".png"))) {
                Files.write(Path.of(docs).resolve(name + ".png"), png);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot write screenshot " + name, e);
        }
    }

    /** Waits for a finished download that is not one of {@code known}, and returns it. */
    private Path awaitDownload(Set<String> known) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
            try (Stream<Path> files = Files.list(downloads)) {
                List<Path> done = files.filter(p -> !known.contains(p.getFileName().toString()))
                        .filter(p -> !p.getFileName().toString().endsWith(".crdownload") && !p.getFileName().toString().startsWith("."))
                        .toList();
                if (done.size() == 1 && Files.size(done.get(0)) > 0) {
                    return done.get(0);
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Result(int exit, String output) {
    }

    private Result cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar.toString(), "--data", data.toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private Result agent(Path installerFile, String stateDir) throws IOException, InterruptedException {
        return run(List.of(java, "-jar", installerFile.toString(), "--state-dir", work.resolve(stateDir).toString()));
    }

    private Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void waitForPort(int port) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try {
                new Socket("127.0.0.1", port).close();
                return;
            } catch (IOException notYet) {
                if (!server.isAlive()) {
                    fail("serve exited early: " + readQuietly(work.resolve("serve.log")));
                }
                Thread.sleep(100);
            }
        }
        fail("serve did not listen on " + port + ": " + readQuietly(work.resolve("serve.log")));
    }

    private static String readQuietly(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
