package com.heartbeatrm.agent.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.jspecify.annotations.Nullable;

/**
 * A bounded reader of Apple property lists, XML ({@code <plist>}) and binary ({@code bplist00}), enough for managed
 * preferences: dictionaries, arrays, strings, booleans, integers (dates, data and reals are read and ignored as
 * {@code null}). Whatever is malformed, too deep, too large, cyclic or repeats a key is a {@link PlistException};
 * nothing else escapes. The XML parser resolves no DTD and no external entity.
 */
public final class PropertyList {
    /** The largest property list read. */
    public static final int MAX_BYTES = 256 * 1024;
    private static final int MAX_DEPTH = 16;
    private static final int MAX_OBJECTS = 4096;

    private PropertyList() {
    }

    /** A property list that cannot be read. */
    public static final class PlistException extends Exception {
        private static final long serialVersionUID = 1L;

        public PlistException(String message) {
            super(message);
        }
    }

    /** The top-level object: a {@code Map<String, Object>}, {@code List<Object>}, {@code String}, {@code Boolean}, {@code Long} or null. */
    public static @Nullable Object parse(byte[] bytes) throws PlistException {
        if (bytes.length > MAX_BYTES) {
            throw new PlistException("larger than " + MAX_BYTES + " bytes");
        }
        try {
            if (bytes.length >= 8 && new String(bytes, 0, 8, StandardCharsets.ISO_8859_1).equals("bplist00")) {
                return new Binary(bytes).top();
            }
            return xml(bytes);
        } catch (IndexOutOfBoundsException | ArithmeticException | NegativeArraySizeException e) {
            throw new PlistException("inconsistent structure");
        }
    }

    // ------------------------------------------------------------------------------------------------ XML

    private static @Nullable Object xml(byte[] bytes) throws PlistException {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        try {
            XMLStreamReader r = f.createXMLStreamReader(new ByteArrayInputStream(bytes));
            nextElement(r);
            if (!r.getLocalName().equals("plist")) {
                throw new PlistException("not a plist");
            }
            nextElement(r);
            @Nullable Object top = value(r, 0, new int[1]);
            while (r.hasNext()) {
                int e = r.next();
                if (e == XMLStreamConstants.START_ELEMENT) {
                    throw new PlistException("more than one top-level object");
                }
            }
            return top;
        } catch (XMLStreamException e) {
            throw new PlistException("malformed XML");
        }
    }

    private static void nextElement(XMLStreamReader r) throws XMLStreamException, PlistException {
        while (r.hasNext()) {
            int e = r.next();
            if (e == XMLStreamConstants.START_ELEMENT) {
                return;
            }
            if (e == XMLStreamConstants.END_ELEMENT || (e == XMLStreamConstants.CHARACTERS && !r.isWhiteSpace())) {
                throw new PlistException("unexpected content");
            }
        }
        throw new PlistException("truncated");
    }

    /** The value whose start tag {@code r} is on; leaves {@code r} on its end tag. */
    private static @Nullable Object value(XMLStreamReader r, int depth, int[] count) throws XMLStreamException, PlistException {
        if (depth > MAX_DEPTH || ++count[0] > MAX_OBJECTS) {
            throw new PlistException("too deep or too many objects");
        }
        String tag = r.getLocalName();
        switch (tag) {
            case "dict" -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (true) {
                    if (!nextStartOrEnd(r)) {
                        return m;
                    }
                    if (!r.getLocalName().equals("key")) {
                        throw new PlistException("a dict entry without a key");
                    }
                    String key = r.getElementText();
                    if (!nextStartOrEnd(r)) {
                        throw new PlistException("a key without a value");
                    }
                    // containsKey, not put's answer: a value read as null (real, date, data) must not hide a repeat.
                    if (m.containsKey(key) || m.size() >= MAX_OBJECTS) {
                        throw new PlistException("a repeated key");
                    }
                    m.put(key, value(r, depth + 1, count));
                }
            }
            case "array" -> {
                List<Object> l = new ArrayList<>();
                while (nextStartOrEnd(r)) {
                    l.add(value(r, depth + 1, count));
                }
                return l;
            }
            case "string" -> {
                return r.getElementText();
            }
            case "true", "false" -> {
                boolean b = tag.equals("true");
                if (nextStartOrEnd(r)) {
                    throw new PlistException("content in a boolean");
                }
                return b;
            }
            case "integer" -> {
                try {
                    return Long.parseLong(r.getElementText().strip());
                } catch (NumberFormatException e) {
                    throw new PlistException("malformed integer");
                }
            }
            case "real", "date", "data" -> {
                r.getElementText();
                return null;
            }
            default -> throw new PlistException("unknown element");
        }
    }

    /** Moves to the next start tag (true) or to the enclosing end tag (false); refuses text between. */
    private static boolean nextStartOrEnd(XMLStreamReader r) throws XMLStreamException, PlistException {
        while (r.hasNext()) {
            int e = r.next();
            if (e == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
            if (e == XMLStreamConstants.END_ELEMENT) {
                return false;
            }
            if (e == XMLStreamConstants.CHARACTERS && !r.isWhiteSpace()) {
                throw new PlistException("unexpected text");
            }
        }
        throw new PlistException("truncated");
    }

    // --------------------------------------------------------------------------------------------- binary

    /** {@code bplist00}: objects addressed through an offset table described by a 32-byte trailer. */
    private static final class Binary {
        private final byte[] b;
        private final int offsetSize;
        private final int refSize;
        private final int objects;
        private final int top;
        private final int table;
        private final Set<Integer> open = new HashSet<>();
        private int count;

        Binary(byte[] b) throws PlistException {
            this.b = b;
            if (b.length < 8 + 32) {
                throw new PlistException("truncated");
            }
            int t = b.length - 32;
            offsetSize = b[t + 6] & 0xff;
            refSize = b[t + 7] & 0xff;
            long n = uint(t + 8, 8);
            long topObject = uint(t + 16, 8);
            long tableOffset = uint(t + 24, 8);
            if (offsetSize < 1 || offsetSize > 8 || refSize < 1 || refSize > 8 || n < 1 || n > MAX_OBJECTS || topObject >= n
                    || tableOffset < 8 || tableOffset + n * offsetSize > t) {
                throw new PlistException("bad trailer");
            }
            objects = (int) n;
            top = (int) topObject;
            table = (int) tableOffset;
        }

        @Nullable Object top() throws PlistException {
            return object(top, 0);
        }

        private long uint(int at, int size) throws PlistException {
            if (at < 0 || at + size > b.length) {
                throw new PlistException("out of range");
            }
            long v = 0;
            for (int i = 0; i < size; i++) {
                v = (v << 8) | (b[at + i] & 0xff);
            }
            if (v < 0) {
                throw new PlistException("out of range");
            }
            return v;
        }

        private @Nullable Object object(int ref, int depth) throws PlistException {
            if (ref < 0 || ref >= objects || depth > MAX_DEPTH || ++count > MAX_OBJECTS) {
                throw new PlistException("bad reference, too deep or too many objects");
            }
            if (!open.add(ref)) {
                throw new PlistException("a cycle");
            }
            try {
                long off = uint(table + ref * offsetSize, offsetSize);
                if (off < 8 || off >= table) {
                    throw new PlistException("object offset out of range");
                }
                int at = (int) off;
                int marker = b[at] & 0xff;
                int kind = marker >> 4;
                int info = marker & 0x0f;
                switch (kind) {
                    case 0x0 -> {
                        return info == 0x8 ? Boolean.FALSE : info == 0x9 ? Boolean.TRUE : null;
                    }
                    case 0x1 -> {
                        int size = 1 << info;
                        if (size > 8) {
                            throw new PlistException("integer too large");
                        }
                        long v = 0;
                        for (int i = 0; i < size; i++) {
                            v = (v << 8) | (b[at + 1 + i] & 0xff);
                        }
                        return v;
                    }
                    case 0x2, 0x3, 0x4 -> {
                        return null; // real, date, data: not used by these settings
                    }
                    case 0x5, 0x6 -> {
                        int[] len = length(at, info);
                        int bytes = kind == 0x5 ? len[0] : Math.multiplyExact(len[0], 2);
                        if (len[1] + bytes > table) {
                            throw new PlistException("string out of range");
                        }
                        return new String(b, len[1], bytes, kind == 0x5 ? StandardCharsets.US_ASCII : StandardCharsets.UTF_16BE);
                    }
                    case 0xA -> {
                        int[] len = length(at, info);
                        List<Object> l = new ArrayList<>();
                        for (int i = 0; i < len[0]; i++) {
                            l.add(object((int) uint(len[1] + i * refSize, refSize), depth + 1));
                        }
                        return l;
                    }
                    case 0xD -> {
                        int[] len = length(at, info);
                        Map<String, Object> m = new LinkedHashMap<>();
                        for (int i = 0; i < len[0]; i++) {
                            Object key = object((int) uint(len[1] + i * refSize, refSize), depth + 1);
                            if (!(key instanceof String k)) {
                                throw new PlistException("a dict key that is not a string");
                            }
                            Object v = object((int) uint(len[1] + (len[0] + i) * refSize, refSize), depth + 1);
                            if (m.containsKey(k)) {
                                throw new PlistException("a repeated key");
                            }
                            m.put(k, v);
                        }
                        return m;
                    }
                    default -> throw new PlistException("unknown object type");
                }
            } finally {
                open.remove(ref);
            }
        }

        /** The count of an object (in its marker, or in an integer after it) and where its content starts. */
        private int[] length(int at, int info) throws PlistException {
            if (info != 0xF) {
                return new int[] {info, at + 1};
            }
            int m = b[at + 1] & 0xff;
            if (m >> 4 != 0x1 || (m & 0x0f) > 3) {
                throw new PlistException("bad length");
            }
            int size = 1 << (m & 0x0f);
            long n = uint(at + 2, size);
            if (n > MAX_BYTES) {
                throw new PlistException("too long");
            }
            return new int[] {(int) n, at + 2 + size};
        }
    }
}
