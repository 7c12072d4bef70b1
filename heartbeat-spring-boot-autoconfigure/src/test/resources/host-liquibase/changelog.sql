--liquibase formatted sql

--changeset host:1
CREATE TABLE host_customer (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL);
