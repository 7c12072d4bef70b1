package com.heartbeatrm.protocol.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.heartbeatrm.protocol.TokenException;
import java.io.IOException;

/**
 * Bounded JSON reading of UTF-8 text only: nesting, string, number and document sizes are capped. Repeated member names are found by
 * the readers themselves (each keeps the names it has seen), so a duplicate is classified by what it is, never by a
 * parser's message text.
 */
public final class Json {
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(16 * 1024)
                    .maxNumberLength(20).maxDocumentLength(64 * 1024).maxNameLength(256).build())
            .build();

    private Json() {
    }

    /** A parser of UTF-8 JSON text; anything else ({@link Utf8#check}) is a {@link Utf8.NotUtf8Exception}. */
    public static JsonParser parser(byte[] json) throws IOException {
        Utf8.check(json);
        return FACTORY.createParser(json);
    }

    public static void expect(JsonParser p, JsonToken token) throws IOException, TokenException {
        if (p.nextToken() != token) {
            throw new TokenException(TokenException.Reason.MALFORMED, "expected " + token + " in JSON");
        }
    }

    public static void expectEnd(JsonParser p) throws IOException, TokenException {
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new TokenException(TokenException.Reason.MALFORMED, "unexpected content after the JSON object");
        }
    }

    /** A JSON reading failure as a token reason. */
    public static TokenException toTokenException(IOException e, String what) {
        if (e instanceof StreamConstraintsException) {
            return new TokenException(TokenException.Reason.MALFORMED, what + " exceeds the JSON size or nesting limits");
        }
        return new TokenException(TokenException.Reason.MALFORMED, what + " is not valid JSON");
    }

    public static TokenException duplicate(String what) {
        return new TokenException(TokenException.Reason.DUPLICATE_JSON_KEY, what + " repeats a member name");
    }

    /** A short description of a parse failure that never includes input text. */
    public static String describe(Exception e) {
        if (e instanceof TokenException t) {
            return t.getMessage();
        }
        return e instanceof IOException io ? toTokenException(io, "input").getMessage() : e.getClass().getSimpleName();
    }
}
