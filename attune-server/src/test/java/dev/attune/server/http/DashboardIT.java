package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.core.model.KeyRole;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's chromium through chromedriver, headless) against the
 * real server with a seeded tenant: a wrong key is refused; the admin sees the charts drawn with
 * the tenant's data, an experiment's verdict, a user's memories and contexts; deleting a memory in
 * the page deletes it in the API; stored text shows as text; another tenant's admin sees none of
 * it. Screenshots go to target/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  static TestServer server;
  static WebDriver browser;
  static WebDriverWait wait;
  static String admin;
  static String service;
  static String rivalAdmin;
  static int contexts;

  @BeforeAll
  static void start() throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
      if ("1".equals(System.getenv("ATTUNE_SKIP_BROWSER_TESTS"))) {
        org.junit.jupiter.api.Assumptions.abort("ATTUNE_SKIP_BROWSER_TESTS=1 and no chromium");
      }
      throw new IllegalStateException(
          "the dashboard test needs Debian's chromium and chromedriver: apt-get install -y chromium"
              + " chromium-driver (.ci/run does), or set ATTUNE_SKIP_BROWSER_TESTS=1");
    }
    server = new TestServer();
    admin = server.key("shop", KeyRole.ADMIN);
    service = server.key("shop", KeyRole.SERVICE);
    rivalAdmin = server.key("rival", KeyRole.ADMIN);
    seed();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
    ChromeDriverService driver =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    browser = new ChromeDriver(driver, options);
    // The page re-renders tables when data arrives: an element found a moment ago can go stale.
    wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    wait.ignoring(StaleElementReferenceException.class);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A shop with two users, replies naming their packs, feedback, and a holdout experiment. */
  static void seed() {
    put(
        "/v1/experiments/holdout",
        "{\"arms\":[{\"name\":\"generic\",\"share\":0.5,\"personalize\":false},"
            + "{\"name\":\"personalized\",\"share\":0.5,\"personalize\":true}]}");
    for (String user : List.of("ann", "ben", "cat", "dan")) {
      post(
          "/v1/observe?wait=true",
          "{\"user_id\":\""
              + user
              + "\",\"session_id\":\"s1\",\"messages\":["
              + "{\"role\":\"user\",\"content\":\"I'm vegetarian.\"},"
              + "{\"role\":\"user\",\"content\":\"I live in Lisbon.\"}]}");
      for (int i = 0; i < 3; i++) {
        JsonNode pack =
            post(
                "/v1/context",
                "{\"user_id\":\"" + user + "\",\"query\":\"vegetarian dinner in Lisbon\"}");
        contexts++;
        String id = pack.get("context_id").asText();
        post(
            "/v1/observe?wait=true",
            "{\"user_id\":\""
                + user
                + "\",\"session_id\":\"s2\",\"messages\":["
                + "{\"role\":\"assistant\",\"content\":\"A vegetarian place in Lisbon.\","
                + "\"context_id\":\""
                + id
                + "\"}]}");
        post(
            "/v1/feedback",
            "{\"user_id\":\""
                + user
                + "\",\"context_id\":\""
                + id
                + "\",\"signal\":\"task_completed\"}");
      }
    }
    // Stored text that looks like markup must show as text.
    post(
        "/v1/users/ann/memories",
        "{\"text\":\"Likes <b>bold</b> <img src=x onerror=alert(1)> fonts\","
            + "\"category\":\"preference\"}");
  }

  static JsonNode post(String path, String body) {
    TestServer.Reply r = server.post(path, service, body);
    assertThat(r.status()).as(path + " " + r.body()).isBetween(200, 202);
    return r.json();
  }

  static void put(String path, String body) {
    TestServer.Reply r = server.send("PUT", path, admin, body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  static void signIn(String key) {
    browser.get(server.uri("/dashboard").toString());
    WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key")));
    input.clear();
    input.sendKeys(key);
    browser.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
  }

  static void screenshot(String name) throws Exception {
    Path target = Path.of("target", "screenshots");
    Files.createDirectories(target);
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(
        shot.toPath(), target.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  @Order(1)
  void aWrongKeyOrANonAdminKeyIsRefused() {
    signIn("atn_key_wrong_wrong");
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-error"), "refused"));
    assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();
    signIn(service);
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-error"), "refused"));
    assertThat(browser.getCurrentUrl()).doesNotContain("atn_key");
  }

  @Test
  @Order(2)
  void theAdminSeesTheChartsDrawnWithTheTenantsData() throws Exception {
    signIn(admin);
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("#tile-contexts .value"), Integer.toString(contexts)));
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".charts canvas"), 5));
    assertThat(browser.findElement(By.cssSelector("#tile-tasks .value")).getText())
        .isEqualTo("100.0%");
    assertThat(browser.findElement(By.cssSelector("#tile-utilization .value")).getText())
        .endsWith("%");
    screenshot("dashboard-overview.png");

    browser.findElement(By.id("tab-experiments")).click();
    WebElement card =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".experiment")));
    assertThat(card.getText()).contains("holdout (active)").contains("personalized");
    assertThat(card.findElements(By.cssSelector(".verdict"))).isNotEmpty();
    screenshot("dashboard-experiments.png");
  }

  @Test
  @Order(3)
  void aUserCanBeLookedUpAndAMemoryDeletedThroughThePage() throws Exception {
    browser.findElement(By.id("tab-users")).click();
    WebElement user = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-id")));
    user.sendKeys("ann");
    user.submit();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("memories")));
    assertThat(browser.findElement(By.id("contexts")).getText()).contains("ctx_");
    // Markup in stored text is shown as text, not rendered.
    assertThat(browser.findElement(By.id("memories")).getText())
        .contains("Likes <b>bold</b> <img src=x onerror=alert(1)> fonts");
    assertThat(browser.findElements(By.cssSelector("#memories b"))).isEmpty();
    screenshot("dashboard-user.png");

    String memoryId =
        wait.until(
            d ->
                d.findElements(By.cssSelector("#memories tbody tr")).stream()
                    .filter(r -> r.getText().contains("User is vegetarian."))
                    .map(r -> r.getAttribute("data-memory"))
                    .findFirst()
                    .orElse(null));
    By row = By.cssSelector("#memories tbody tr[data-memory='" + memoryId + "']");
    // Both clicks in one attempt: a re-render between them hides the confirm button again.
    wait.until(
        d -> {
          WebElement current = d.findElement(row);
          current.findElement(By.cssSelector("button.delete")).click();
          current.findElement(By.cssSelector("button.confirm-delete")).click();
          return true;
        });
    wait.until(
        d ->
            d
                .findElements(By.cssSelector("#memories tbody tr[data-memory='" + memoryId + "']"))
                .stream()
                .anyMatch(r -> r.getText().contains("deleted")));

    JsonNode memory = server.get("/v1/users/ann/memories/" + memoryId, service).json();
    assertThat(memory.get("status").asText()).isEqualTo("deleted");
  }

  @Test
  @Order(4)
  void anotherTenantsAdminSeesNoneOfIt() {
    browser.findElement(By.id("sign-out")).click();
    signIn(rivalAdmin);
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("#tile-contexts .value"), "0"));
    browser.findElement(By.id("tab-experiments")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("experiment-list"), "No experiments yet"));
    browser.findElement(By.id("tab-users")).click();
    WebElement user = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-id")));
    user.sendKeys("ann");
    user.submit();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("user-error"), "No user 'ann'"));
    assertThat(browser.findElement(By.id("user-view")).getText()).isEmpty();
  }
}
