package com.heartbeatrm.agent.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.heartbeatrm.agent.TokenException;
import java.io.IOException;

/** Strict, bounded JSON reading: duplicate member names are errors, nesting and sizes are capped. */
public final class Json {
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(8192)
                    .maxNumberLength(20).maxDocumentLength(64 * 1024).build())
            .build();

    private Json() {
    }

    public static JsonParser parser(byte[] json) throws IOException {
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

    /** Maps a JSON failure to a token reason: duplicates are told apart from other malformed input. */
    public static TokenException toTokenException(IOException e, String what) {
        String m = String.valueOf(e.getMessage());
        if (m.startsWith("Duplicate field") || m.contains("Duplicate field")) {
            return new TokenException(TokenException.Reason.DUPLICATE_JSON_KEY, what + " repeats a member name");
        }
        if (e instanceof StreamConstraintsException) {
            return new TokenException(TokenException.Reason.MALFORMED, what + " exceeds the JSON size or nesting limits");
        }
        return new TokenException(TokenException.Reason.MALFORMED, what + " is not valid JSON");
    }

    /** A short description of a parse failure that never includes input text. */
    public static String describe(Exception e) {
        if (e instanceof TokenException t) {
            return t.getMessage();
        }
        return e instanceof IOException io ? toTokenException(io, "input").getMessage() : e.getClass().getSimpleName();
    }
}
