/**
 * The built-in upstream simulator: a fake LLM provider speaking real wire formats, used as the
 * demo's default upstream, by the gateway's tests and by the benchmarks. Start one with
 * {@link dev.sluice.sim.Simulator#start(dev.sluice.sim.SimOptions)}; it depends on
 * {@code dev.sluice.api} only.
 *
 * <h2>Endpoints</h2>
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: OpenAI chat completions, whole or SSE
 *       ({@code stream}, {@code stream_options.include_usage}), {@code n}, {@code tools},
 *       {@code tool_choice}, {@code parallel_tool_calls}, {@code response_format},
 *       {@code max_tokens}/{@code max_completion_tokens}, {@code stop}, {@code seed}.</li>
 *   <li>{@code POST /v1/embeddings}: unit vectors, {@code dimensions} (default 384),
 *       {@code encoding_format: base64}.</li>
 *   <li>{@code POST /v1/messages}: Anthropic Messages, whole or SSE, with tools and tool_choice.</li>
 *   <li>{@code POST /v1beta/models/{model}:generateContent} and {@code :streamGenerateContent?alt=sse}:
 *       Gemini, whole or SSE (data-only events, no end marker), with {@code systemInstruction},
 *       {@code functionDeclarations}, {@code toolConfig}, {@code generationConfig} (candidateCount,
 *       maxOutputTokens, stopSequences, seed, responseMimeType, responseSchema). Strict like Gemini:
 *       unknown fields, schema keys outside its OpenAPI subset, OBJECTs with empty properties and
 *       empty parts are 400s. Errors are Google's ({@code {"error":{"code","message","status"}}}),
 *       a 429's wait in a {@code RetryInfo} detail rather than a header.</li>
 *   <li>{@code POST /v1beta/models/{model}:batchEmbedContents} and {@code :embedContent}: the same
 *       vectors as {@code /v1/embeddings} for the same text, {@code outputDimensionality}.</li>
 *   <li>{@code POST /openai/deployments/{deployment}/chat/completions} and {@code .../embeddings}:
 *       Azure OpenAI, answered by the OpenAI handlers; {@code api-version} is required (404 without,
 *       as Azure does), the deployment is the model when the body names none.</li>
 *   <li>{@code GET /v1/models}: OpenAI's list, or Anthropic's when {@code anthropic-version} is sent.</li>
 *   <li>{@code GET /sim/requests} and {@code DELETE /sim/requests}: the recorded requests (method,
 *       path, query, headers, body).</li>
 *   <li>Anything else: OpenAI's JSON 404.</li>
 * </ul>
 *
 * <h2>Answers</h2>
 * Text is a function of the seed (the request's {@code seed}, else the simulator's) and the
 * conversation: the same request always gets the same text, in every wire format. Its length is
 * {@code x-sim-tokens}, else {@link dev.sluice.sim.SimOptions#outputTokens()}, else 16..48 tokens
 * chosen by the prompt's hash; each streamed piece is exactly one o200k token. Tools are called
 * when {@code tool_choice} is required/any or names one, or when the last (user) message names a
 * tool; arguments are built from the tool's JSON Schema (Gemini's upper-case types too). A
 * conversation ending with tool results is answered with text quoting them.
 *
 * <h2>Per-request headers</h2>
 * <table>
 *   <caption>Headers that override {@link dev.sluice.sim.SimOptions} for one request</caption>
 *   <tr><th>header</th><th>effect</th></tr>
 *   <tr><td>{@code x-sim-ttft-ms}</td><td>wait before the first byte of the answer</td></tr>
 *   <tr><td>{@code x-sim-itl-ms}</td><td>wait between streamed pieces; a whole answer waits ttft + tokens x itl</td></tr>
 *   <tr><td>{@code x-sim-itl-scheduled}</td><td>streams: the k-th piece is due k x itl after the first, so a late
 *       piece (a pause of the simulator) is caught up rather than moving every later one (bench floods: otherwise the
 *       streams a pause held stay in step, a burst at the same point of every second)</td></tr>
 *   <tr><td>{@code x-sim-tokens}</td><td>answer length in tokens</td></tr>
 *   <tr><td>{@code x-sim-error-rate}</td><td>probability 0..1 of failing (seeded, decided before anything is sent)</td></tr>
 *   <tr><td>{@code x-sim-error-status}</td><td>status of the failure; sent alone it fails the request for certain</td></tr>
 *   <tr><td>{@code x-sim-retry-after}</td><td>seconds in a 429's {@code retry-after} (Gemini: its {@code RetryInfo.retryDelay})</td></tr>
 *   <tr><td>{@code x-sim-hang-ms}</td><td>wait this long before doing anything</td></tr>
 *   <tr><td>{@code x-sim-reset-after}</td><td>streams: drop the connection after N content events (no
 *       terminating chunk, no [DONE]/message_stop/final candidate); whole answers: drop it without a response</td></tr>
 *   <tr><td>{@code x-sim-malformed}</td><td>whole answers: a 200 with truncated JSON; streams: one event of truncated JSON</td></tr>
 *   <tr><td>{@code x-sim-context-window}</td><td>prompts with more tokens get the provider's context-length 400</td></tr>
 *   <tr><td>{@code x-sim-answer}</td><td>{@code refusal}, {@code empty} or {@code invalid_json}: a bad answer for quality tests;
 *       {@code low_score}: a judge's low verdict {@code {"score": 0.1, ...}}</td></tr>
 *   <tr><td>{@code x-sim-response-model}</td><td>the model name answers carry (a provider swapping the model behind a name)</td></tr>
 * </table>
 * A header with a bad value is answered with a 400 naming it.
 */
package dev.sluice.sim;
