//! Importing changes from elsewhere (a CSV exported from Jira or ServiceNow) into a workshop.
//! Every problem names the line and column; an import either succeeds whole or changes nothing.
