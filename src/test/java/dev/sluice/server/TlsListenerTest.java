package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.TestGateway;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("HTTPS listener (server.tls): the official client over TLS, certificate reload, Secure cookies")
class TlsListenerTest {
    static Path dir;
    static Pem first;
    static TestGateway gw;

    /** A self-signed certificate for localhost/127.0.0.1 as PEM files, made with the JDK's keytool. */
    record Pem(Path cert, Path key, X509Certificate certificate) {
        X509TrustManager trustManager() throws Exception {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("gateway", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            return (X509TrustManager) tmf.getTrustManagers()[0];
        }

        SSLContext sslContext() throws Exception {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
            return ssl;
        }
    }

    static Pem selfSigned(Path dir, String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "gw", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("gw", "changeit".toCharArray());
        Certificate cert = ks.getCertificate("gw");
        Path certPem = dir.resolve(name + "-cert.pem");
        Path keyPem = dir.resolve(name + "-key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
        return new Pem(certPem, keyPem, (X509Certificate) cert);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("sluice-tls");
        first = selfSigned(dir, "first");
        gw = TestGateway.start(SimOptions.defaults(), """
                server:
                  host: 127.0.0.1
                  port: 0
                  tls:
                    cert: %s
                    key: %s
                dashboard:
                  enabled: true
                """.formatted(first.cert(), first.key()), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    String https() {
        return "https://localhost:" + gw.gateway().port();
    }

    OpenAIClient client(Pem trusted) throws Exception {
        return OpenAIOkHttpClient.builder().baseUrl(https() + "/v1").apiKey(createKey(trusted))
                .sslSocketFactory(trusted.sslContext().getSocketFactory()).trustManager(trusted.trustManager())
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    @Test
    @DisplayName("the official client, trusting the self-signed certificate, gets completions and streams over HTTPS")
    void officialClientOverTls() throws Exception {
        OpenAIClient openai = client(first);
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(ChatModel.of("gpt-4o-mini")).addUserMessage("Say hello over TLS").build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().message().content()).isPresent();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(ChatModel.of("gpt-4o-mini")).addUserMessage("stream it").build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }
        assertThat(text).isNotEmpty();
    }

    @Test
    @DisplayName("plain HTTP to the HTTPS port gets no answer, and a client that does not trust the certificate fails")
    void plainAndUntrusted() throws Exception {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.gateway().port()
                + "/health/live")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create(https() + "/health/live"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        // and the listener still serves trusting clients afterwards
        assertThat(get(first, "/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("the dashboard's session cookie is Secure over TLS")
    void secureCookie() throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().sslContext(first.sslContext()).build().send(
                HttpRequest.newBuilder(URI.create(https() + "/ui/login")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + TestGateway.ADMIN_KEY + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("set-cookie").orElseThrow()).contains("HttpOnly").contains("; Secure");
    }

    @Test
    @DisplayName("reloading the certificate: new connections get the new one, the old one is no longer served")
    void reload() throws Exception {
        Pem second = selfSigned(dir, "second");
        assertThat(peerSerial()).isEqualTo(first.certificate().getSerialNumber());
        gw.gateway().reloadTls(second.cert(), second.key());
        try {
            assertThat(peerSerial()).isEqualTo(second.certificate().getSerialNumber());
            assertThat(get(second, "/health/live").statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> gw.gateway().reloadTls(dir.resolve("missing.pem"), second.key()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(peerSerial()).as("a failed reload keeps the running certificate")
                    .isEqualTo(second.certificate().getSerialNumber());
        } finally {
            gw.gateway().reloadTls(first.cert(), first.key());
        }
    }

    /** The serial number of the certificate a new connection is shown (trusting anything, only to look). */
    BigInteger peerSerial() throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new javax.net.ssl.TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", gw.gateway().port())) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /** A virtual key, created through the admin API over HTTPS. */
    String createKey(Pem trusted) throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().sslContext(trusted.sslContext()).build().send(
                HttpRequest.newBuilder(URI.create(https() + "/admin/keys")).header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TestGateway.ADMIN_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"tls\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return dev.sluice.api.Json.MAPPER.readTree(r.body()).path("key").asText();
    }

    HttpResponse<String> get(Pem trusted, String path) throws Exception {
        return HttpClient.newBuilder().sslContext(trusted.sslContext()).build().send(
                HttpRequest.newBuilder(URI.create(https() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
