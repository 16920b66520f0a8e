--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: attachments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.attachments (
    id text NOT NULL,
    org_id text NOT NULL,
    record_id text NOT NULL,
    field text,
    file_name text NOT NULL,
    content_type text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    blob_path text NOT NULL,
    created_at bigint NOT NULL,
    created_by text NOT NULL,
    deleted_at bigint,
    deleted_batch text
);


--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id text NOT NULL,
    org_id text NOT NULL,
    at bigint NOT NULL,
    user_id text,
    action text NOT NULL,
    target_type text NOT NULL,
    module text,
    record_id text,
    setting text,
    changes text
);


--
-- Name: backup_id_map; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.backup_id_map (
    org_id text NOT NULL,
    old_id text NOT NULL,
    new_id text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: backup_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.backup_keys (
    name text NOT NULL,
    value text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: backup_restore_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.backup_restore_items (
    restore_id text NOT NULL,
    seq bigint NOT NULL,
    kind text NOT NULL,
    module text,
    file text,
    row_number bigint,
    record_id text,
    new_id text,
    reason text
);


--
-- Name: backup_restores; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.backup_restores (
    id text NOT NULL,
    org_id text NOT NULL,
    backup_id text,
    data_parts text NOT NULL,
    attachment_parts text NOT NULL,
    mode text NOT NULL,
    module text,
    dry_run bigint NOT NULL,
    status text NOT NULL,
    error text,
    counts text NOT NULL,
    cursor text,
    requested_by text NOT NULL,
    created_at bigint NOT NULL,
    started_at bigint,
    finished_at bigint
);


--
-- Name: grain_reminders; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.grain_reminders (
    grain_type text NOT NULL,
    grain_key text NOT NULL,
    name text NOT NULL,
    schedule text NOT NULL,
    next_due bigint NOT NULL,
    last_fired bigint,
    owner text,
    lease_until bigint
);


--
-- Name: grain_state; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.grain_state (
    grain_type text NOT NULL,
    grain_key text NOT NULL,
    version bigint NOT NULL,
    payload text,
    modified_on bigint NOT NULL
);


--
-- Name: jobs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.jobs (
    id text NOT NULL,
    kind text NOT NULL,
    grain_key text NOT NULL,
    payload text NOT NULL,
    status text NOT NULL,
    owner text,
    run_id text,
    lease_until bigint,
    heartbeat_at bigint,
    checkpoint text,
    progress double precision DEFAULT 0 NOT NULL,
    result text,
    error text,
    attempts integer DEFAULT 0 NOT NULL,
    created_at bigint NOT NULL,
    started_at bigint,
    finished_at bigint
);


--
-- Name: records; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.records (
    id text NOT NULL,
    org_id text NOT NULL,
    module text NOT NULL,
    owner_id text NOT NULL,
    created_at bigint NOT NULL,
    created_by text NOT NULL,
    modified_at bigint NOT NULL,
    modified_by text NOT NULL,
    deleted_at bigint,
    deleted_batch text,
    email text,
    parent_id text,
    data text NOT NULL
);


--
-- Name: recycle_bin; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.recycle_bin (
    batch_id text NOT NULL,
    org_id text NOT NULL,
    record_id text NOT NULL,
    module text NOT NULL,
    display_name text,
    record_count bigint NOT NULL,
    deleted_at bigint NOT NULL,
    deleted_by text NOT NULL
);


--
-- Name: silos; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.silos (
    id text NOT NULL,
    name text NOT NULL,
    address text NOT NULL,
    started_at bigint NOT NULL,
    heartbeat_at bigint NOT NULL,
    stopped_at bigint,
    metrics text
);


--
-- Name: tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tokens (
    hash text NOT NULL,
    org_id text NOT NULL,
    user_id text NOT NULL,
    created_at bigint NOT NULL,
    revoked_at bigint
);


--
-- Data for Name: attachments; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.attachments VALUES ('01a2316ebfda7000a8f875979d17c184', '01a2316eb2e67000a7e4178e9e6380da', '01a2316ebad67000a0f9246d502be7cf', NULL, 'contract.txt', 'text/plain', 99, 'ba0f28db5271c6669ad783bebfe862f3101678ce651e4f569b98b021af6976af', 'orgs/01a2316eb2e67000a7e4178e9e6380da/files/01a2316ebfda7000a8f875979d17c184', 1796125671390, '01a2316eb2ea7000ba5250456d8ad285', NULL, NULL);


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_log VALUES ('01a2316eb3217000987eebfc0d204342', '01a2316eb2e67000a7e4178e9e6380da', 1796125668076, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'setting', NULL, NULL, 'organization', '[{"field":"name","old":null,"new":"Legacy Alpha"},{"field":"plan","old":null,"new":"standard"}]');
INSERT INTO public.audit_log VALUES ('01a2316eb662700087aab61c54975b9d', '01a2316eb2e67000a7e4178e9e6380da', 1796125668947, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'setting', NULL, NULL, 'users/01a2316eb65f700092ec4b7515b15fc7', '[{"field":"email","old":null,"new":"bob@alpha.example"},{"field":"role","old":null,"new":"standard"}]');
INSERT INTO public.audit_log VALUES ('01a2316eb86070008e763b3c70841718', '01a2316eb2e67000a7e4178e9e6380da', 1796125669468, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'setting', NULL, NULL, 'users/01a2316eb2ea7000ba5250456d8ad285/tokens', '[]');
INSERT INTO public.audit_log VALUES ('01a2316eb970700082447a69555f0cf7', '01a2316eb2e67000a7e4178e9e6380da', 1796125669735, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'setting', NULL, NULL, 'modules/Leads/fields/Favourite_Colour', '[{"field":"Favourite_Colour","old":null,"new":"picklist"}]');
INSERT INTO public.audit_log VALUES ('01a2316eb9a27000bd11a0f9ada49e0c', '01a2316eb2e67000a7e4178e9e6380da', 1796125669790, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'setting', NULL, NULL, 'modules/Projects', '[{"field":"Title","old":null,"new":"text"},{"field":"Client","old":null,"new":"lookup"}]');
INSERT INTO public.audit_log VALUES ('01a2316eb9d97000bc1eeb4ca9a38954', '01a2316eb2e67000a7e4178e9e6380da', 1796125669837, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'setting', NULL, NULL, 'settings/layouts/Leads/Lead Standard Layout', '[{"field":"definition","old":null,"new":{"module":"Leads","name":"Lead Standard Layout","sections":[{"name":"Lead Information","fields":["First_Name","Last_Name","Email","Company","Favourite_Colour"]},{"name":"Contact","fields":["Phone"]}]}}]');
INSERT INTO public.audit_log VALUES ('01a2316eba20700099d6c18db44f09cb', '01a2316eb2e67000a7e4178e9e6380da', 1796125669909, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'setting', NULL, NULL, 'settings/workflow-rules/Green leads', '[{"field":"definition","old":null,"new":{"name":"Green leads","module":"Leads","trigger":"on_create_or_edit","conditions":[{"field":"Favourite_Colour","operator":"equals","value":"green"}],"actions":[{"type":"field_update","field":"Company","value":"Green Co"}],"active":true}}]');
INSERT INTO public.audit_log VALUES ('01a2316eba5070009414eb72e860582a', '01a2316eb2e67000a7e4178e9e6380da', 1796125669965, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'setting', NULL, NULL, 'settings/roles/Sales Manager', '[{"field":"definition","old":null,"new":{"name":"Sales Manager","reportsTo":null}}]');
INSERT INTO public.audit_log VALUES ('01a2316eba977000a7d6a7b68112d1ce', '01a2316eb2e67000a7e4178e9e6380da', 1796125670023, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'setting', NULL, NULL, 'settings/profiles/Lead Viewer', '[{"field":"definition","old":null,"new":{"name":"Lead Viewer","permissions":{"modules":{"Leads":["view"]},"features":["export"]}}}]');
INSERT INTO public.audit_log VALUES ('01a2316ebadf70008bb77987b45bfe39', '01a2316eb2e67000a7e4178e9e6380da', 1796125670111, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'record', 'Leads', '01a2316ebad67000a0f9246d502be7cf', NULL, '[{"field":"First_Name","old":null,"new":"Lead1"},{"field":"Last_Name","old":null,"new":"Legacy1"},{"field":"Email","old":null,"new":"lead1@customer.example"},{"field":"Company","old":null,"new":"Customer 1"},{"field":"Favourite_Colour","old":null,"new":"red"}]');
INSERT INTO public.audit_log VALUES ('01a2316ebbc97000bd434f352fb84e3b', '01a2316eb2e67000a7e4178e9e6380da', 1796125670345, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'record', 'Leads', '01a2316ebbc770009fd169bc05689f67', NULL, '[{"field":"First_Name","old":null,"new":"Lead2"},{"field":"Last_Name","old":null,"new":"Legacy2"},{"field":"Email","old":null,"new":"lead2@customer.example"},{"field":"Company","old":null,"new":"Green Co"},{"field":"Favourite_Colour","old":null,"new":"green"}]');
INSERT INTO public.audit_log VALUES ('01a2316ebcb37000ad1e8dea9b2dadd1', '01a2316eb2e67000a7e4178e9e6380da', 1796125670579, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'record', 'Leads', '01a2316ebcb27000908b82c788e21eba', NULL, '[{"field":"First_Name","old":null,"new":"Lead3"},{"field":"Last_Name","old":null,"new":"Legacy3"},{"field":"Email","old":null,"new":"lead3@customer.example"},{"field":"Company","old":null,"new":"Customer 3"},{"field":"Favourite_Colour","old":null,"new":"blue"}]');
INSERT INTO public.audit_log VALUES ('01a2316ebd9c7000ba0f2b07c36aa042', '01a2316eb2e67000a7e4178e9e6380da', 1796125670812, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'record', 'Leads', '01a2316ebd9b700093f8c43947f3815e', NULL, '[{"field":"First_Name","old":null,"new":"Lead4"},{"field":"Last_Name","old":null,"new":"Legacy4"},{"field":"Email","old":null,"new":"lead4@customer.example"},{"field":"Company","old":null,"new":"Customer 4"},{"field":"Favourite_Colour","old":null,"new":"red"}]');
INSERT INTO public.audit_log VALUES ('01a2316ebe987000aae0c50d4cd76cd4', '01a2316eb2e67000a7e4178e9e6380da', 1796125671064, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'record', 'Leads', '01a2316ebe977000924a312428dc6245', NULL, '[{"field":"First_Name","old":null,"new":"Lead5"},{"field":"Last_Name","old":null,"new":"Legacy5"},{"field":"Email","old":null,"new":"lead5@customer.example"},{"field":"Company","old":null,"new":"Customer 5"}]');
INSERT INTO public.audit_log VALUES ('01a2316ebf6e7000b839a66893541d60', '01a2316eb2e67000a7e4178e9e6380da', 1796125671278, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'record', 'Accounts', '01a2316ebf6c7000b17429236edbdf53', NULL, '[{"field":"Account_Name","old":null,"new":"Alpha Customer KK"},{"field":"Website","old":null,"new":"customer.example"}]');
INSERT INTO public.audit_log VALUES ('01a2316ebf9570009d5c544f69f96fb1', '01a2316eb2e67000a7e4178e9e6380da', 1796125671317, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'record', 'Accounts', '01a2316ebf937000a944d618ed1529cc', NULL, '[{"field":"Account_Name","old":null,"new":"Beta Trading Ltd"},{"field":"Phone","old":null,"new":"\u002B81 3 1234 5678"}]');
INSERT INTO public.audit_log VALUES ('01a2316ebfed7000aae438949d27b055', '01a2316eb2e67000a7e4178e9e6380da', 1796125671390, '01a2316eb2ea7000ba5250456d8ad285', 'update', 'record', 'Leads', '01a2316ebad67000a0f9246d502be7cf', NULL, '[{"field":"attachment","old":null,"new":"contract.txt"}]');
INSERT INTO public.audit_log VALUES ('01a2316ec0d370008a2414d4fe01e072', '01a2316eb2e67000a7e4178e9e6380da', 1796125671617, '01a2316eb2ea7000ba5250456d8ad285', 'delete', 'record', 'Leads', '01a2316ebe977000924a312428dc6245', NULL, '[{"field":"First_Name","old":"Lead5","new":null},{"field":"Last_Name","old":"Legacy5","new":null},{"field":"Email","old":"lead5@customer.example","new":null},{"field":"Company","old":"Customer 5","new":null},{"field":"dependents","old":null,"new":0}]');
INSERT INTO public.audit_log VALUES ('01a2316ec0fb7000a630bbf7ea88b33d', '01a2316eb2e67000a7e4178e9e6380da', 1796125671665, '01a2316eb2ea7000ba5250456d8ad285', 'update', 'setting', NULL, NULL, 'backup/purchases', '[{"field":"oneTimeAddOns","old":0,"new":2},{"field":"weeklySubscription","old":false,"new":false}]');
INSERT INTO public.audit_log VALUES ('01a2316ec54b7000a3349f9d6167a66a', '01a2316eb2e67000a7e4178e9e6380da', 1796125672763, '01a2316eb2ea7000ba5250456d8ad285', 'create', 'setting', NULL, NULL, 'backup/schedule', '[{"field":"frequency","old":null,"new":"monthly"},{"field":"schedule","old":null,"new":"{\u0022frequency\u0022:\u0022monthly\u0022,\u0022dayOfWeek\u0022:null,\u0022dayOfMonth\u0022:\u002215\u0022,\u0022weekOfMonth\u0022:null,\u0022time\u0022:\u002203:00\u0022,\u0022timeZone\u0022:\u0022Asia/Tokyo\u0022}"}]');
INSERT INTO public.audit_log VALUES ('01a2316ec6c2700099d1a18d33c3ec8d', '01a2316ec6b770009c76c06d42f7872a', 1796125673143, '01a2316ec6b7700182fc43750e5b9876', 'create', 'setting', NULL, NULL, 'organization', '[{"field":"name","old":null,"new":"Legacy Beta"},{"field":"plan","old":null,"new":"professional"}]');
INSERT INTO public.audit_log VALUES ('01a2316ec8e17000b9f2a623151b56b6', '01a2316ec6b770009c76c06d42f7872a', 1796125673693, '01a2316ec6b7700182fc43750e5b9876', 'create', 'setting', NULL, NULL, 'config-copy/keys', '[{"field":"expiresAt","old":null,"new":"2026-12-02T11:47:53.6818182+00:00"},{"field":"replacedPreviousKey","old":null,"new":false}]');


--
-- Data for Name: backup_id_map; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: backup_keys; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.backup_keys VALUES ('download-signing', 'qDQCiZc0pFeVXf3BXZrctoHDN4SdLIyxRA2s+tTBdtY=', 1796125672555);


--
-- Data for Name: backup_restore_items; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: backup_restores; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: grain_reminders; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.grain_reminders VALUES ('MaintenanceGrain', 'cluster', 'purge', '{"kind":"Every","at":"2026-12-01T11:48:47.162134+00:00","period":"1.00:00:00","timeZone":"UTC","timeOfDay":"00:00:00","dayOfWeek":null,"intervalWeeks":1,"anchorDate":null,"dayOfMonth":null,"weekOfMonth":null}', 1796125727162, NULL, NULL, NULL);
INSERT INTO public.grain_reminders VALUES ('BackupScheduleGrain', '01a2316eb2e67000a7e4178e9e6380da', 'backup-expiry-01a2316ec13b70009db1ad16aa3f3f75', '{"kind":"Once","at":"2026-12-08T11:47:52.0247439+00:00","period":null,"timeZone":"UTC","timeOfDay":"00:00:00","dayOfWeek":null,"intervalWeeks":1,"anchorDate":null,"dayOfMonth":null,"weekOfMonth":null}', 1796730472024, NULL, NULL, NULL);
INSERT INTO public.grain_reminders VALUES ('BackupScheduleGrain', '01a2316eb2e67000a7e4178e9e6380da', 'backup-schedule', '{"kind":"MonthlyOnDay","at":null,"period":null,"timeZone":"Asia/Tokyo","timeOfDay":"03:00:00","dayOfWeek":null,"intervalWeeks":1,"anchorDate":null,"dayOfMonth":15,"weekOfMonth":null}', 1797271200000, NULL, NULL, NULL);
INSERT INTO public.grain_reminders VALUES ('CopyKeyGrain', 'ffa7b3a8ac84eab3fb2685a63e7748c6a754c2ba368af6ffd07133f9af6948d3', 'expiry', '{"kind":"Once","at":"2026-12-02T11:47:53.6818182+00:00","period":null,"timeZone":"UTC","timeOfDay":"00:00:00","dayOfWeek":null,"intervalWeeks":1,"anchorDate":null,"dayOfMonth":null,"weekOfMonth":null}', 1796212073681, NULL, NULL, NULL);


--
-- Data for Name: grain_state; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.grain_state VALUES ('MaintenanceGrain', 'cluster', 0, NULL, 1796125667162);
INSERT INTO public.grain_state VALUES ('OrganizationGrain', '01a2316eb2e67000a7e4178e9e6380da', 8, '{"id":"01a2316eb2e67000a7e4178e9e6380da","name":"Legacy Alpha","plan":"standard","trial":false,"developer":false,"sandbox":false,"timeZone":"Asia/Tokyo","domain":"alpha.example","integrations":[],"primaryContactUserId":"01a2316eb2ea7000ba5250456d8ad285","createdAt":"2026-12-01T11:47:48.0764492+00:00","users":[{"id":"01a2316eb2ea7000ba5250456d8ad285","email":"admin@alpha.example","name":"Alice Admin","role":"admin","active":true,"profile":{"modules":null,"features":[]},"createdAt":"2026-12-01T11:47:48.0764492+00:00","isAdmin":true},{"id":"01a2316eb65f700092ec4b7515b15fc7","email":"bob@alpha.example","name":"Bob","role":"standard","active":true,"profile":{"modules":null,"features":[]},"createdAt":"2026-12-01T11:47:48.9476742+00:00","isAdmin":false}],"modules":[{"name":"Leads","custom":false,"fields":[{"name":"First_Name","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Last_Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Email","type":"email","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Company","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Phone","type":"phone","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Favourite_Colour","type":"picklist","required":false,"values":["red","green","blue"],"lookupModule":null,"parent":false,"custom":true}],"emailField":"Email","displayField":"Last_Name"},{"name":"Contacts","custom":false,"fields":[{"name":"First_Name","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Last_Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Email","type":"email","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Phone","type":"phone","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Account_Name","type":"lookup","required":false,"values":null,"lookupModule":"Accounts","parent":false,"custom":false}],"emailField":"Email","displayField":"Last_Name"},{"name":"Accounts","custom":false,"fields":[{"name":"Account_Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Website","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Phone","type":"phone","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":null,"displayField":"Account_Name"},{"name":"Deals","custom":false,"fields":[{"name":"Deal_Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Account_Name","type":"lookup","required":false,"values":null,"lookupModule":"Accounts","parent":false,"custom":false},{"name":"Stage","type":"picklist","required":false,"values":["Qualification","Needs Analysis","Proposal","Negotiation","Closed Won","Closed Lost"],"lookupModule":null,"parent":false,"custom":false},{"name":"Amount","type":"decimal","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":null,"displayField":"Deal_Name"},{"name":"Vendors","custom":false,"fields":[{"name":"Vendor_Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Email","type":"email","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":"Email","displayField":"Vendor_Name"},{"name":"Products","custom":false,"fields":[{"name":"Product_Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":null,"displayField":"Product_Name"},{"name":"Tasks","custom":false,"fields":[{"name":"Subject","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Due_Date","type":"date","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Status","type":"picklist","required":false,"values":["Not Started","In Progress","Completed"],"lookupModule":null,"parent":false,"custom":false},{"name":"What_Id","type":"lookup","required":false,"values":null,"lookupModule":"*","parent":false,"custom":false}],"emailField":null,"displayField":"Subject"},{"name":"Notes","custom":false,"fields":[{"name":"Note_Title","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Note_Content","type":"textarea","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Parent_Id","type":"lookup","required":true,"values":null,"lookupModule":"*","parent":true,"custom":false}],"emailField":null,"displayField":"Note_Title"},{"name":"Agents","custom":false,"fields":[{"name":"Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Email","type":"email","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Department","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":"Email","displayField":"Name"},{"name":"Tickets","custom":false,"fields":[{"name":"Subject","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Contact_Name","type":"lookup","required":false,"values":null,"lookupModule":"Contacts","parent":false,"custom":false},{"name":"Agent_Email","type":"email","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Status","type":"picklist","required":false,"values":["Open","On Hold","Escalated","Closed"],"lookupModule":null,"parent":false,"custom":false},{"name":"Description","type":"textarea","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":"Agent_Email","displayField":"Subject"},{"name":"TicketThreads","custom":false,"fields":[{"name":"Ticket_Id","type":"lookup","required":true,"values":null,"lookupModule":"Tickets","parent":true,"custom":false},{"name":"Content","type":"textarea","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Direction","type":"picklist","required":false,"values":["in","out"],"lookupModule":null,"parent":false,"custom":false}],"emailField":null,"displayField":null},{"name":"TicketComments","custom":false,"fields":[{"name":"Ticket_Id","type":"lookup","required":true,"values":null,"lookupModule":"Tickets","parent":true,"custom":false},{"name":"Comment","type":"textarea","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":null,"displayField":null},{"name":"KnowledgeBase","custom":false,"fields":[{"name":"Title","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Answer","type":"textarea","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Category","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":null,"displayField":"Title"},{"name":"Projects","custom":true,"fields":[{"name":"Title","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":true},{"name":"Client","type":"lookup","required":false,"values":null,"lookupModule":"Accounts","parent":false,"custom":true}],"emailField":null,"displayField":"Title"}],"layouts":[{"module":"Leads","name":"Lead Standard Layout","sections":[{"name":"Lead Information","fields":["First_Name","Last_Name","Email","Company","Favourite_Colour"]},{"name":"Contact","fields":["Phone"]}]}],"workflowRules":[{"name":"Green leads","module":"Leads","trigger":"on_create_or_edit","conditions":[{"field":"Favourite_Colour","operator":"equals","value":"green"}],"actions":[{"type":"field_update","field":"Company","value":"Green Co"}],"active":true}],"blueprints":[],"roles":[{"name":"Sales Manager","reportsTo":null}],"profiles":[{"name":"Lead Viewer","permissions":{"modules":{"Leads":["view"]},"features":["export"]}}],"appliedCopies":[],"exists":true}', 1796125670023);
INSERT INTO public.grain_state VALUES ('BackupScheduleGrain', '01a2316eb2e67000a7e4178e9e6380da', 5, '{"schedule":{"frequency":"monthly","dayOfWeek":null,"dayOfMonth":15,"lastDayOfMonth":false,"weekOfMonth":null,"time":"03:00:00","timeZone":"Asia/Tokyo","anchorDate":null,"setAt":"2026-12-01T11:47:52.7634465+00:00","setBy":"01a2316eb2ea7000ba5250456d8ad285"},"lastOccurrence":null,"usage":{"2026-12":{"scheduled":0,"immediate":1,"total":1}},"oneTimeAddOns":2,"weeklySubscription":false,"history":[{"at":"2026-12-01T11:47:51.66596+00:00","kind":"purchase","userId":"01a2316eb2ea7000ba5250456d8ad285","details":{"kind":"one_time","count":2,"oneTimeAddOns":2,"weeklySubscription":false}},{"at":"2026-12-01T11:47:51.733495+00:00","kind":"backup_requested","userId":"01a2316eb2ea7000ba5250456d8ad285","details":{"backupId":"01a2316ec13b70009db1ad16aa3f3f75","trigger":"immediate","quota":"included"}},{"at":"2026-12-01T11:47:52.0247439+00:00","kind":"backup_ready","userId":null,"details":{"backupId":"01a2316ec13b70009db1ad16aa3f3f75","expiresAt":"2026-12-08T11:47:52.0247439\u002B00:00","records":6,"attachments":1,"files":["Data_001.zip","Attachments_001.zip"]}},{"at":"2026-12-01T11:47:52.7634465+00:00","kind":"schedule_set","userId":"01a2316eb2ea7000ba5250456d8ad285","details":{"schedule":{"frequency":"monthly","dayOfWeek":null,"dayOfMonth":"15","weekOfMonth":null,"time":"03:00","timeZone":"Asia/Tokyo"},"replaced":null}}],"backups":[{"id":"01a2316ec13b70009db1ad16aa3f3f75","status":"ready","trigger":"immediate","requestedAt":"2026-12-01T11:47:51.733495+00:00","requestedBy":"01a2316eb2ea7000ba5250456d8ad285","quotaSource":"included","month":"2026-12","jobId":"01a2316ec13c7e1bac11eff7c9635909","runId":"01a2316ec166700087fc4888663c3415","startedAt":"2026-12-01T11:47:51.8183109+00:00","readyAt":"2026-12-01T11:47:52.0247439+00:00","expiresAt":"2026-12-08T11:47:52.0247439+00:00","finishedAt":"2026-12-01T11:47:52.0247439+00:00","reason":null,"files":[{"name":"Data_001.zip","kind":"data","path":"orgs/01a2316eb2e67000a7e4178e9e6380da/backups/01a2316ec13b70009db1ad16aa3f3f75/01a2316ec166700087fc4888663c3415/Data_001.zip","size":6710,"sha256":"b091bec0b98c844221fde9fa358161166129a1cd921b887f42b1ebb82eb0a2ba"},{"name":"Attachments_001.zip","kind":"attachments","path":"orgs/01a2316eb2e67000a7e4178e9e6380da/backups/01a2316ec13b70009db1ad16aa3f3f75/01a2316ec166700087fc4888663c3415/Attachments_001.zip","size":378,"sha256":"83d4fd91e06c66f92cde6fa92266c23678e171f6f911995527ecd3d12041aa44"}],"manifest":{"formatVersion":1,"orgId":"01a2316eb2e67000a7e4178e9e6380da","backupId":"01a2316ec13b70009db1ad16aa3f3f75","createdAt":"2026-12-01T11:47:52.0034883+00:00","modules":[{"name":"Leads","rows":4,"files":["Leads_001.csv"],"fields":[{"name":"First_Name","type":"text","lookupModule":null},{"name":"Last_Name","type":"text","lookupModule":null},{"name":"Email","type":"email","lookupModule":null},{"name":"Company","type":"text","lookupModule":null},{"name":"Phone","type":"phone","lookupModule":null},{"name":"Favourite_Colour","type":"picklist","lookupModule":null}]},{"name":"Contacts","rows":0,"files":["Contacts_001.csv"],"fields":[{"name":"First_Name","type":"text","lookupModule":null},{"name":"Last_Name","type":"text","lookupModule":null},{"name":"Email","type":"email","lookupModule":null},{"name":"Phone","type":"phone","lookupModule":null},{"name":"Account_Name","type":"lookup","lookupModule":"Accounts"}]},{"name":"Accounts","rows":2,"files":["Accounts_001.csv"],"fields":[{"name":"Account_Name","type":"text","lookupModule":null},{"name":"Website","type":"text","lookupModule":null},{"name":"Phone","type":"phone","lookupModule":null}]},{"name":"Deals","rows":0,"files":["Deals_001.csv"],"fields":[{"name":"Deal_Name","type":"text","lookupModule":null},{"name":"Account_Name","type":"lookup","lookupModule":"Accounts"},{"name":"Stage","type":"picklist","lookupModule":null},{"name":"Amount","type":"decimal","lookupModule":null}]},{"name":"Vendors","rows":0,"files":["Vendors_001.csv"],"fields":[{"name":"Vendor_Name","type":"text","lookupModule":null},{"name":"Email","type":"email","lookupModule":null}]},{"name":"Products","rows":0,"files":["Products_001.csv"],"fields":[{"name":"Product_Name","type":"text","lookupModule":null}]},{"name":"Tasks","rows":0,"files":["Tasks_001.csv"],"fields":[{"name":"Subject","type":"text","lookupModule":null},{"name":"Due_Date","type":"date","lookupModule":null},{"name":"Status","type":"picklist","lookupModule":null},{"name":"What_Id","type":"lookup","lookupModule":"*"}]},{"name":"Notes","rows":0,"files":["Notes_001.csv"],"fields":[{"name":"Note_Title","type":"text","lookupModule":null},{"name":"Note_Content","type":"textarea","lookupModule":null},{"name":"Parent_Id","type":"lookup","lookupModule":"*"}]},{"name":"Agents","rows":0,"files":["Agents_001.csv"],"fields":[{"name":"Name","type":"text","lookupModule":null},{"name":"Email","type":"email","lookupModule":null},{"name":"Department","type":"text","lookupModule":null}]},{"name":"Tickets","rows":0,"files":["Tickets_001.csv"],"fields":[{"name":"Subject","type":"text","lookupModule":null},{"name":"Contact_Name","type":"lookup","lookupModule":"Contacts"},{"name":"Agent_Email","type":"email","lookupModule":null},{"name":"Status","type":"picklist","lookupModule":null},{"name":"Description","type":"textarea","lookupModule":null}]},{"name":"TicketThreads","rows":0,"files":["TicketThreads_001.csv"],"fields":[{"name":"Ticket_Id","type":"lookup","lookupModule":"Tickets"},{"name":"Content","type":"textarea","lookupModule":null},{"name":"Direction","type":"picklist","lookupModule":null}]},{"name":"TicketComments","rows":0,"files":["TicketComments_001.csv"],"fields":[{"name":"Ticket_Id","type":"lookup","lookupModule":"Tickets"},{"name":"Comment","type":"textarea","lookupModule":null}]},{"name":"KnowledgeBase","rows":0,"files":["KnowledgeBase_001.csv"],"fields":[{"name":"Title","type":"text","lookupModule":null},{"name":"Answer","type":"textarea","lookupModule":null},{"name":"Category","type":"text","lookupModule":null}]},{"name":"Projects","rows":0,"files":["Projects_001.csv"],"fields":[{"name":"Title","type":"text","lookupModule":null},{"name":"Client","type":"lookup","lookupModule":"Accounts"}]}],"files":[{"name":"Leads_001.csv","kind":"records","module":"Leads","rows":4,"bytes":1138,"sha256":"398a5da13380736b57527b9af5108b841d60336c316894473b726d53109a1249","part":"Data_001.zip"},{"name":"Contacts_001.csv","kind":"records","module":"Contacts","rows":0,"bytes":109,"sha256":"8663664117ee45b5b6f4bba4cc4dec4a51841cd48ee887f71a66f97f1e0c2c44","part":"Data_001.zip"},{"name":"Accounts_001.csv","kind":"records","module":"Accounts","rows":2,"bytes":563,"sha256":"146278ea72902394596106a24f919c8bd1dbb33fd9af3321b007d8e1d3d6e31b","part":"Data_001.zip"},{"name":"Deals_001.csv","kind":"records","module":"Deals","rows":0,"bytes":99,"sha256":"462d3af2127f7934c6a1c0d059483ebbdf0346f7a3463540b7f6d1ce9c15e976","part":"Data_001.zip"},{"name":"Vendors_001.csv","kind":"records","module":"Vendors","rows":0,"bytes":81,"sha256":"74f07d1f59a3e402633bc1c37bd138df93ca3bc2d759252d1c698ef31a0d5da3","part":"Data_001.zip"},{"name":"Products_001.csv","kind":"records","module":"Products","rows":0,"bytes":76,"sha256":"95cead327fe460386a24539244b02914f3b8da14b20570689cf81aa891f2e774","part":"Data_001.zip"},{"name":"Tasks_001.csv","kind":"records","module":"Tasks","rows":0,"bytes":95,"sha256":"734b42621e29a29d9d161a3151513882cd5d25c6e81fe462bbeaa8551d45729b","part":"Data_001.zip"},{"name":"Notes_001.csv","kind":"records","module":"Notes","rows":0,"bytes":97,"sha256":"7258807e5e91ff876187deebbffd62b3a23c51d115e16f203c0d63612504f87e","part":"Data_001.zip"},{"name":"Agents_001.csv","kind":"records","module":"Agents","rows":0,"bytes":85,"sha256":"8551f37f08413bf9a5c567b77d7e803eae62c309a00e0c9d188024c20002e1d5","part":"Data_001.zip"},{"name":"Tickets_001.csv","kind":"records","module":"Tickets","rows":0,"bytes":115,"sha256":"15cd2864c89e4bd134e246ba9e168821c044961e1481669ae89425205375a540","part":"Data_001.zip"},{"name":"TicketThreads_001.csv","kind":"records","module":"TicketThreads","rows":0,"bytes":91,"sha256":"e726d9af82b084b3031ccc56f0e906f9609f4cf157254b3fd9b7a34d364f1bc9","part":"Data_001.zip"},{"name":"TicketComments_001.csv","kind":"records","module":"TicketComments","rows":0,"bytes":81,"sha256":"32cb6e92edcd2a7ef4c24a13102055a0a0a657380c9d1b124b4652ea9d2747dc","part":"Data_001.zip"},{"name":"KnowledgeBase_001.csv","kind":"records","module":"KnowledgeBase","rows":0,"bytes":85,"sha256":"40ed18369183e45575a945c831ef75c1cc0f316e8a171f312183893beb49035e","part":"Data_001.zip"},{"name":"Projects_001.csv","kind":"records","module":"Projects","rows":0,"bytes":76,"sha256":"9c5720798e7c4f954bac9366086bb8625be2136f45c575f29d54d50b73446526","part":"Data_001.zip"},{"name":"files.csv","kind":"files","module":null,"rows":1,"bytes":442,"sha256":"6f7fb7720ea84ba4f8325568c3d9e2c749436f567e6170d41450645eb43bcadb","part":"Data_001.zip"}],"attachments":{"count":1,"bytes":99,"parts":[{"name":"Attachments_001.zip","size":378,"sha256":"83d4fd91e06c66f92cde6fa92266c23678e171f6f911995527ecd3d12041aa44"}],"missing":[]},"excluded":["emails (bodies and attachments)","documents","data fetched by integrations","IMAP e-mail"],"neutralization":"A cell that begins with = \u002B - @ tab or carriage return, after any leading apostrophes, gets one more leading apostrophe; a restore removes it."},"isActive":false}]}', 1796125672763);
INSERT INTO public.grain_state VALUES ('OrganizationGrain', '01a2316ec6b770009c76c06d42f7872a', 1, '{"id":"01a2316ec6b770009c76c06d42f7872a","name":"Legacy Beta","plan":"professional","trial":false,"developer":false,"sandbox":false,"timeZone":"America/New_York","domain":"beta.example","integrations":[],"primaryContactUserId":"01a2316ec6b7700182fc43750e5b9876","createdAt":"2026-12-01T11:47:53.1438298+00:00","users":[{"id":"01a2316ec6b7700182fc43750e5b9876","email":"admin@beta.example","name":"Bea Admin","role":"admin","active":true,"profile":{"modules":null,"features":[]},"createdAt":"2026-12-01T11:47:53.1438298+00:00","isAdmin":true}],"modules":[{"name":"Leads","custom":false,"fields":[{"name":"First_Name","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Last_Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Email","type":"email","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Company","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Phone","type":"phone","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":"Email","displayField":"Last_Name"},{"name":"Contacts","custom":false,"fields":[{"name":"First_Name","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Last_Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Email","type":"email","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Phone","type":"phone","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Account_Name","type":"lookup","required":false,"values":null,"lookupModule":"Accounts","parent":false,"custom":false}],"emailField":"Email","displayField":"Last_Name"},{"name":"Accounts","custom":false,"fields":[{"name":"Account_Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Website","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Phone","type":"phone","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":null,"displayField":"Account_Name"},{"name":"Deals","custom":false,"fields":[{"name":"Deal_Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Account_Name","type":"lookup","required":false,"values":null,"lookupModule":"Accounts","parent":false,"custom":false},{"name":"Stage","type":"picklist","required":false,"values":["Qualification","Needs Analysis","Proposal","Negotiation","Closed Won","Closed Lost"],"lookupModule":null,"parent":false,"custom":false},{"name":"Amount","type":"decimal","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":null,"displayField":"Deal_Name"},{"name":"Vendors","custom":false,"fields":[{"name":"Vendor_Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Email","type":"email","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":"Email","displayField":"Vendor_Name"},{"name":"Products","custom":false,"fields":[{"name":"Product_Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":null,"displayField":"Product_Name"},{"name":"Tasks","custom":false,"fields":[{"name":"Subject","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Due_Date","type":"date","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Status","type":"picklist","required":false,"values":["Not Started","In Progress","Completed"],"lookupModule":null,"parent":false,"custom":false},{"name":"What_Id","type":"lookup","required":false,"values":null,"lookupModule":"*","parent":false,"custom":false}],"emailField":null,"displayField":"Subject"},{"name":"Notes","custom":false,"fields":[{"name":"Note_Title","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Note_Content","type":"textarea","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Parent_Id","type":"lookup","required":true,"values":null,"lookupModule":"*","parent":true,"custom":false}],"emailField":null,"displayField":"Note_Title"},{"name":"Agents","custom":false,"fields":[{"name":"Name","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Email","type":"email","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Department","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":"Email","displayField":"Name"},{"name":"Tickets","custom":false,"fields":[{"name":"Subject","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Contact_Name","type":"lookup","required":false,"values":null,"lookupModule":"Contacts","parent":false,"custom":false},{"name":"Agent_Email","type":"email","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Status","type":"picklist","required":false,"values":["Open","On Hold","Escalated","Closed"],"lookupModule":null,"parent":false,"custom":false},{"name":"Description","type":"textarea","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":"Agent_Email","displayField":"Subject"},{"name":"TicketThreads","custom":false,"fields":[{"name":"Ticket_Id","type":"lookup","required":true,"values":null,"lookupModule":"Tickets","parent":true,"custom":false},{"name":"Content","type":"textarea","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Direction","type":"picklist","required":false,"values":["in","out"],"lookupModule":null,"parent":false,"custom":false}],"emailField":null,"displayField":null},{"name":"TicketComments","custom":false,"fields":[{"name":"Ticket_Id","type":"lookup","required":true,"values":null,"lookupModule":"Tickets","parent":true,"custom":false},{"name":"Comment","type":"textarea","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":null,"displayField":null},{"name":"KnowledgeBase","custom":false,"fields":[{"name":"Title","type":"text","required":true,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Answer","type":"textarea","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false},{"name":"Category","type":"text","required":false,"values":null,"lookupModule":null,"parent":false,"custom":false}],"emailField":null,"displayField":"Title"}],"layouts":[],"workflowRules":[],"blueprints":[],"roles":[],"profiles":[],"appliedCopies":[],"exists":true}', 1796125673143);
INSERT INTO public.grain_state VALUES ('CopyKeyGrain', 'ffa7b3a8ac84eab3fb2685a63e7748c6a754c2ba368af6ffd07133f9af6948d3', 1, '{"targetOrgId":"01a2316ec6b770009c76c06d42f7872a","issuedBy":"01a2316ec6b7700182fc43750e5b9876","issuedAt":"2026-12-01T11:47:53.6818182+00:00","expiresAt":"2026-12-02T11:47:53.6818182+00:00","status":"active","closedAt":null,"sourceOrgId":null,"transferId":null,"exists":true}', 1796125673681);
INSERT INTO public.grain_state VALUES ('ConfigCopyInboxGrain', '01a2316ec6b770009c76c06d42f7872a', 1, '{"currentKeyHash":"ffa7b3a8ac84eab3fb2685a63e7748c6a754c2ba368af6ffd07133f9af6948d3","transferIds":[]}', 1796125673693);


--
-- Data for Name: jobs; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.jobs VALUES ('01a2316ec13c7e1bac11eff7c9635909', 'backup.run', '01a2316eb2e67000a7e4178e9e6380da', '{"orgId":"01a2316eb2e67000a7e4178e9e6380da","backupId":"01a2316ec13b70009db1ad16aa3f3f75"}', 'completed', '6a6ab7c7141a4b39a856b82fb23bd45b', '33d580c7bb8740f8a0b855efd311b30b', NULL, 1796125671806, '{"runId":"01a2316ec166700087fc4888663c3415","attempt":1}', 1, '{"published":true,"runId":"01a2316ec166700087fc4888663c3415","records":6,"attachments":1}', NULL, 1, 1796125671733, 1796125671755, 1796125672039);


--
-- Data for Name: records; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.records VALUES ('01a2316ebad67000a0f9246d502be7cf', '01a2316eb2e67000a7e4178e9e6380da', 'Leads', '01a2316eb2ea7000ba5250456d8ad285', 1796125670102, '01a2316eb2ea7000ba5250456d8ad285', 1796125670102, '01a2316eb2ea7000ba5250456d8ad285', NULL, NULL, 'lead1@customer.example', NULL, '{"First_Name":"Lead1","Last_Name":"Legacy1","Email":"lead1@customer.example","Company":"Customer 1","Favourite_Colour":"red"}');
INSERT INTO public.records VALUES ('01a2316ebbc770009fd169bc05689f67', '01a2316eb2e67000a7e4178e9e6380da', 'Leads', '01a2316eb2ea7000ba5250456d8ad285', 1796125670343, '01a2316eb2ea7000ba5250456d8ad285', 1796125670343, '01a2316eb2ea7000ba5250456d8ad285', NULL, NULL, 'lead2@customer.example', NULL, '{"First_Name":"Lead2","Last_Name":"Legacy2","Email":"lead2@customer.example","Company":"Green Co","Favourite_Colour":"green"}');
INSERT INTO public.records VALUES ('01a2316ebcb27000908b82c788e21eba', '01a2316eb2e67000a7e4178e9e6380da', 'Leads', '01a2316eb2ea7000ba5250456d8ad285', 1796125670578, '01a2316eb2ea7000ba5250456d8ad285', 1796125670578, '01a2316eb2ea7000ba5250456d8ad285', NULL, NULL, 'lead3@customer.example', NULL, '{"First_Name":"Lead3","Last_Name":"Legacy3","Email":"lead3@customer.example","Company":"Customer 3","Favourite_Colour":"blue"}');
INSERT INTO public.records VALUES ('01a2316ebd9b700093f8c43947f3815e', '01a2316eb2e67000a7e4178e9e6380da', 'Leads', '01a2316eb2ea7000ba5250456d8ad285', 1796125670811, '01a2316eb2ea7000ba5250456d8ad285', 1796125670811, '01a2316eb2ea7000ba5250456d8ad285', NULL, NULL, 'lead4@customer.example', NULL, '{"First_Name":"Lead4","Last_Name":"Legacy4","Email":"lead4@customer.example","Company":"Customer 4","Favourite_Colour":"red"}');
INSERT INTO public.records VALUES ('01a2316ebf6c7000b17429236edbdf53', '01a2316eb2e67000a7e4178e9e6380da', 'Accounts', '01a2316eb2ea7000ba5250456d8ad285', 1796125671276, '01a2316eb2ea7000ba5250456d8ad285', 1796125671276, '01a2316eb2ea7000ba5250456d8ad285', NULL, NULL, NULL, NULL, '{"Account_Name":"Alpha Customer KK","Website":"customer.example"}');
INSERT INTO public.records VALUES ('01a2316ebf937000a944d618ed1529cc', '01a2316eb2e67000a7e4178e9e6380da', 'Accounts', '01a2316eb2ea7000ba5250456d8ad285', 1796125671315, '01a2316eb2ea7000ba5250456d8ad285', 1796125671315, '01a2316eb2ea7000ba5250456d8ad285', NULL, NULL, NULL, NULL, '{"Account_Name":"Beta Trading Ltd","Phone":"\u002B81 3 1234 5678"}');
INSERT INTO public.records VALUES ('01a2316ebe977000924a312428dc6245', '01a2316eb2e67000a7e4178e9e6380da', 'Leads', '01a2316eb2ea7000ba5250456d8ad285', 1796125671063, '01a2316eb2ea7000ba5250456d8ad285', 1796125671063, '01a2316eb2ea7000ba5250456d8ad285', 1796125671617, '01a2316ec0c3700099d2112ee3f2cd6d', 'lead5@customer.example', NULL, '{"First_Name":"Lead5","Last_Name":"Legacy5","Email":"lead5@customer.example","Company":"Customer 5"}');


--
-- Data for Name: recycle_bin; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.recycle_bin VALUES ('01a2316ec0c3700099d2112ee3f2cd6d', '01a2316eb2e67000a7e4178e9e6380da', '01a2316ebe977000924a312428dc6245', 'Leads', 'Legacy5', 1, 1796125671617, '01a2316eb2ea7000ba5250456d8ad285');


--
-- Data for Name: silos; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.silos VALUES ('6a6ab7c7141a4b39a856b82fb23bd45b', 'vm:35013', 'http://127.0.0.1:35013', 1796125665772, 1796125671313, 1796125674023, '[{"grainType":"MaintenanceGrain","calls":1,"errors":0,"totalMilliseconds":83.072,"active":1},{"grainType":"OrganizationGrain","calls":24,"errors":0,"totalMilliseconds":266.8184,"active":1}]');


--
-- Data for Name: tokens; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tokens VALUES ('7406c274360def327eedc48e4a7ae8e3ed7123e684e2d347e69d2220d8594572', '01a2316eb2e67000a7e4178e9e6380da', '01a2316eb2ea7000ba5250456d8ad285', 1796125668076, NULL);
INSERT INTO public.tokens VALUES ('1605e55896f8a24628fccfac14dcb74ca992ab3959800f494cb2536827233052', '01a2316eb2e67000a7e4178e9e6380da', '01a2316eb65f700092ec4b7515b15fc7', 1796125668947, NULL);
INSERT INTO public.tokens VALUES ('7ce2cde67b2223aee8f5071e2f4c27f08d424c8233af79ec953d79417b710cb4', '01a2316eb2e67000a7e4178e9e6380da', '01a2316eb2ea7000ba5250456d8ad285', 1796125669468, NULL);
INSERT INTO public.tokens VALUES ('d176641cb5dddb9c2e0bfe799fbca6ebe2fe792f55c98483384212967e0b60f0', '01a2316ec6b770009c76c06d42f7872a', '01a2316ec6b7700182fc43750e5b9876', 1796125673143, NULL);


--
-- Name: attachments attachments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_pkey PRIMARY KEY (id);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: backup_id_map backup_id_map_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.backup_id_map
    ADD CONSTRAINT backup_id_map_pkey PRIMARY KEY (org_id, old_id);


--
-- Name: backup_keys backup_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.backup_keys
    ADD CONSTRAINT backup_keys_pkey PRIMARY KEY (name);


--
-- Name: backup_restore_items backup_restore_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.backup_restore_items
    ADD CONSTRAINT backup_restore_items_pkey PRIMARY KEY (restore_id, seq);


--
-- Name: backup_restores backup_restores_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.backup_restores
    ADD CONSTRAINT backup_restores_pkey PRIMARY KEY (id);


--
-- Name: grain_reminders grain_reminders_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.grain_reminders
    ADD CONSTRAINT grain_reminders_pkey PRIMARY KEY (grain_type, grain_key, name);


--
-- Name: grain_state grain_state_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.grain_state
    ADD CONSTRAINT grain_state_pkey PRIMARY KEY (grain_type, grain_key);


--
-- Name: jobs jobs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (id);


--
-- Name: records records_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.records
    ADD CONSTRAINT records_pkey PRIMARY KEY (id);


--
-- Name: recycle_bin recycle_bin_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.recycle_bin
    ADD CONSTRAINT recycle_bin_pkey PRIMARY KEY (batch_id);


--
-- Name: silos silos_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.silos
    ADD CONSTRAINT silos_pkey PRIMARY KEY (id);


--
-- Name: tokens tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_pkey PRIMARY KEY (hash);


--
-- Name: ix_attachments_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_attachments_record ON public.attachments USING btree (org_id, record_id);


--
-- Name: ix_audit_log_org_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_log_org_at ON public.audit_log USING btree (org_id, at);


--
-- Name: ix_backup_restores_org; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_backup_restores_org ON public.backup_restores USING btree (org_id, created_at);


--
-- Name: ix_grain_reminders_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_grain_reminders_due ON public.grain_reminders USING btree (next_due);


--
-- Name: ix_jobs_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_jobs_status ON public.jobs USING btree (status, created_at);


--
-- Name: ix_records_batch; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_records_batch ON public.records USING btree (deleted_batch) WHERE (deleted_batch IS NOT NULL);


--
-- Name: ix_records_email; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_records_email ON public.records USING btree (org_id, email) WHERE (email IS NOT NULL);


--
-- Name: ix_records_module; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_records_module ON public.records USING btree (org_id, module, id) WHERE (deleted_at IS NULL);


--
-- Name: ix_records_parent; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_records_parent ON public.records USING btree (org_id, parent_id) WHERE (parent_id IS NOT NULL);


--
-- Name: ix_recycle_bin_org; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_recycle_bin_org ON public.recycle_bin USING btree (org_id, deleted_at);


--
-- Name: ix_recycle_bin_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_recycle_bin_record ON public.recycle_bin USING btree (org_id, record_id);


--
-- Name: ix_tokens_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_tokens_user ON public.tokens USING btree (org_id, user_id);


--
-- PostgreSQL database dump complete
--


