-- A host application's own first migration: its table lives beside ours.
CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, note VARCHAR(100) NOT NULL);
INSERT INTO orders (id, note) VALUES (1, 'the host was here first');
