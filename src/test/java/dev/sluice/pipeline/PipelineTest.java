package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.Choice;
import dev.sluice.api.SluiceException;
import dev.sluice.api.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The contract written in {@link Stage}'s Javadoc, stage by stage, without a server. */
@DisplayName("The pipeline's chain contract: order, re-entry, short-circuits and broken contracts")
class PipelineTest {
    private final List<String> log = new ArrayList<>();

    /** A stage with a name, so broken-contract messages can be checked. */
    private record Named(String name, BiFunction<Exchange, Chain, Reply> body) implements Stage {
        @Override
        public Reply handle(Exchange exchange, Chain next) {
            return body.apply(exchange, next);
        }
    }

    /** Logs "name>" on the way in and "<name" on the way out, whatever happens further down. */
    private Stage around(String name) {
        return new Named(name, (ex, next) -> {
            log.add(name + ">");
            try {
                return next.proceed(ex);
            } finally {
                log.add("<" + name);
            }
        });
    }

    private Stage answering(String text) {
        return new Named("terminal", (ex, next) -> {
            log.add("answer " + text);
            return new Reply.Chat(new ChatResponse("id", 0, "m",
                    List.of(new Choice(0, ChatMessage.of("assistant", text), "stop", null)), Usage.of(1, 1), null, null));
        });
    }

    private static Exchange exchange() {
        return new Exchange("req-1", Exchange.Operation.CHAT, Map.of());
    }

    private static String text(Reply reply) {
        return ((Reply.Chat) reply).response().choices().getFirst().message().content().asText();
    }

    @Test
    @DisplayName("work before proceed runs in pipeline order, work after it in reverse, and every stage sees the exit")
    void order() {
        Reply reply = new Pipeline(List.of(around("auth"), around("limits"), answering("hi"))).execute(exchange());

        assertThat(text(reply)).isEqualTo("hi");
        assertThat(log).containsExactly("auth>", "limits>", "answer hi", "<limits", "<auth");
    }

    @Test
    @DisplayName("a stage may proceed twice; each call runs the rest of the pipeline again")
    void proceedTwice() {
        Stage reask = new Named("reask", (ex, next) -> {
            Reply first = next.proceed(ex);
            log.add("saw " + text(first));
            return next.proceed(ex);
        });
        int[] calls = {0};
        Stage terminal = new Named("terminal", (ex, next) -> answering("call " + ++calls[0]).handle(ex, next));

        Reply reply = new Pipeline(List.of(reask, around("guard"), terminal)).execute(exchange());

        assertThat(text(reply)).isEqualTo("call 2");
        assertThat(log).containsExactly("guard>", "answer call 1", "<guard", "saw call 1", "guard>", "answer call 2",
                "<guard");
    }

    @Test
    @DisplayName("a stage short-circuits by returning a failure: later stages never run, earlier ones see the exit")
    void shortCircuit() {
        Stage limits = new Named("limits", (ex, next) -> Reply.fail(new SluiceException(429, "rate_limit_error",
                "rate_limit_exceeded", null, "Slow down.")));

        Reply reply = new Pipeline(List.of(around("auth"), limits, answering("never"))).execute(exchange());

        assertThat(reply).isInstanceOfSatisfying(Reply.Failure.class, f -> assertThat(f.error().status()).isEqualTo(429));
        assertThat(log).containsExactly("auth>", "<auth");
    }

    @Test
    @DisplayName("a terminal stage that calls proceed is a named broken contract, answered as a 500")
    void terminalProceeds() {
        Stage terminal = new Named("router", (ex, next) -> next.proceed(ex));

        Reply reply = new Pipeline(List.of(around("auth"), terminal)).execute(exchange());

        SluiceException error = ((Reply.Failure) reply).error();
        assertThat(error.status()).isEqualTo(500);
        assertThat(error.getCause()).hasMessage(
                "stage 'router' is the terminal stage but called proceed(); the terminal stage must answer itself");
        assertThat(log).containsExactly("auth>", "<auth");
    }

    @Test
    @DisplayName("a stage that returns null is a named broken contract, answered as a 500")
    void nullReply() {
        Reply reply = new Pipeline(List.of(around("auth"), new Named("cache", (ex, next) -> null), answering("x")))
                .execute(exchange());

        SluiceException error = ((Reply.Failure) reply).error();
        assertThat(error.status()).isEqualTo(500);
        assertThat(error.getCause()).hasMessage("stage 'cache' returned null; return a Reply");
    }

    @Test
    @DisplayName("a thrown exception unwinds through the stages and becomes a 500 naming the request, not the cause")
    void thrown() {
        Stage broken = new Named("broken", (ex, next) -> {
            throw new IllegalArgumentException("secret internal detail");
        });

        Reply reply = new Pipeline(List.of(around("auth"), broken, answering("x"))).execute(exchange());

        SluiceException error = ((Reply.Failure) reply).error();
        assertThat(error.status()).isEqualTo(500);
        assertThat(error.type()).isEqualTo("server_error");
        assertThat(error.getMessage()).contains("request id req-1").doesNotContain("secret internal detail");
        assertThat(error.getCause()).hasMessage("secret internal detail");
        assertThat(log).containsExactly("auth>", "<auth");
    }

    @Test
    @DisplayName("a thrown SluiceException keeps its own status: it is an answer, not a bug")
    void thrownSluiceException() {
        Stage strict = new Named("strict", (ex, next) -> {
            throw SluiceException.invalidRequest("messages", "No.");
        });

        Reply reply = new Pipeline(List.of(strict, answering("x"))).execute(exchange());

        assertThat(((Reply.Failure) reply).error().status()).isEqualTo(400);
        assertThat(((Reply.Failure) reply).error().param()).isEqualTo("messages");
    }

    @Test
    @DisplayName("a pipeline needs at least its terminal stage")
    void empty() {
        assertThatThrownBy(() -> new Pipeline(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a pipeline needs at least a terminal stage");
    }
}
