-- CareLoop: databases and roles for the docker-compose Postgres (runs once, on an empty data volume,
-- from /docker-entrypoint-initdb.d). Mirrors what scripts/infra/infra.sh provisions on a Debian cluster.
--
-- LOCAL DEVELOPMENT ONLY: every password equals its role name.
--   careloop_<service>  LOGIN, owns database careloop_<service>; PUBLIC may not connect to it,
--                       so a service's role is refused on every other service's database.
--   careloop_admin      SUPERUSER, used by tests to create throwaway databases.

CREATE ROLE careloop_admin LOGIN SUPERUSER PASSWORD 'careloop_admin';

CREATE ROLE careloop_auth LOGIN PASSWORD 'careloop_auth';
CREATE DATABASE careloop_auth OWNER careloop_auth;
REVOKE CONNECT, TEMPORARY ON DATABASE careloop_auth FROM PUBLIC;

CREATE ROLE careloop_user_org LOGIN PASSWORD 'careloop_user_org';
CREATE DATABASE careloop_user_org OWNER careloop_user_org;
REVOKE CONNECT, TEMPORARY ON DATABASE careloop_user_org FROM PUBLIC;

CREATE ROLE careloop_survey LOGIN PASSWORD 'careloop_survey';
CREATE DATABASE careloop_survey OWNER careloop_survey;
REVOKE CONNECT, TEMPORARY ON DATABASE careloop_survey FROM PUBLIC;

CREATE ROLE careloop_feedback LOGIN PASSWORD 'careloop_feedback';
CREATE DATABASE careloop_feedback OWNER careloop_feedback;
REVOKE CONNECT, TEMPORARY ON DATABASE careloop_feedback FROM PUBLIC;

CREATE ROLE careloop_notification LOGIN PASSWORD 'careloop_notification';
CREATE DATABASE careloop_notification OWNER careloop_notification;
REVOKE CONNECT, TEMPORARY ON DATABASE careloop_notification FROM PUBLIC;

CREATE ROLE careloop_analytics LOGIN PASSWORD 'careloop_analytics';
CREATE DATABASE careloop_analytics OWNER careloop_analytics;
REVOKE CONNECT, TEMPORARY ON DATABASE careloop_analytics FROM PUBLIC;
