// Package sarif is the part of the SARIF 2.1.0 object model that
// teardown writes: one run, its rules, its results with locations and
// fixes, and its invocation. Property names and meanings follow the
// OASIS specification (sarif-v2.1.0, §3); properties teardown never sets
// are left out, and the ones it leaves empty are omitted, so that a
// reader applies the specification's defaults.
//
// It replaces a general SARIF library whose schema validator linked
// net/http and three JSON-schema packages into every vet-tool process
// (docs/performance.md, "Process start"); the tests still validate the
// output against the official schema through that library.
package sarif

import (
	"encoding/json"
	"io"
)

// Version and Schema identify the format of a Log.
const (
	Version = "2.1.0"
	Schema  = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json"
)

// Levels of a result, a notification or a rule's default configuration
// (§3.27.10).
const (
	LevelError   = "error"
	LevelWarning = "warning"
	LevelNote    = "note"
)

// Log is a SARIF log file (§3.13).
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// NewLog returns a log of the given runs.
func NewLog(runs ...Run) *Log {
	return &Log{Schema: Schema, Version: Version, Runs: runs}
}

// Write writes the log as indented JSON, with a final newline.
func (l *Log) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(l)
}

// Run is one invocation of one tool (§3.14). Results is never omitted:
// an empty array says the tool ran and found nothing (§3.14.23).
type Run struct {
	Tool               Tool                        `json:"tool"`
	OriginalURIBaseIDs map[string]ArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Invocations        []Invocation                `json:"invocations,omitempty"`
	Results            []Result                    `json:"results"`
}

// Tool is the analysis tool (§3.18).
type Tool struct {
	Driver ToolComponent `json:"driver"`
}

// ToolComponent is the tool's driver (§3.19).
type ToolComponent struct {
	Name           string                `json:"name"`
	Version        string                `json:"version,omitempty"`
	InformationURI string                `json:"informationUri,omitempty"`
	Rules          []ReportingDescriptor `json:"rules,omitempty"`
}

// ReportingDescriptor is a rule (§3.49).
type ReportingDescriptor struct {
	ID                   string                  `json:"id"`
	ShortDescription     *Message                `json:"shortDescription,omitempty"`
	FullDescription      *Message                `json:"fullDescription,omitempty"`
	Help                 *Message                `json:"help,omitempty"`
	HelpURI              string                  `json:"helpUri,omitempty"`
	DefaultConfiguration *ReportingConfiguration `json:"defaultConfiguration,omitempty"`
}

// ReportingConfiguration is a rule's default configuration (§3.50).
type ReportingConfiguration struct {
	Level string `json:"level,omitempty"`
}

// Message is a plain-text message (§3.11), also used where the
// specification has a multiformatMessageString (§3.12): teardown writes
// only its text.
type Message struct {
	Text string `json:"text"`
}

// Text returns a message of plain text.
func Text(s string) *Message { return &Message{Text: s} }

// Result is one finding (§3.27). RuleIndex is nil when the rule is not
// in the driver's rules.
type Result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           *int              `json:"ruleIndex,omitempty"`
	Level               string            `json:"level,omitempty"`
	Message             Message           `json:"message"`
	Locations           []Location        `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Fixes               []Fix             `json:"fixes,omitempty"`
}

// Location is where a result is (§3.28).
type Location struct {
	PhysicalLocation PhysicalLocation `json:"physicalLocation"`
}

// PhysicalLocation is a region of a file (§3.29).
type PhysicalLocation struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Region           *Region          `json:"region,omitempty"`
}

// ArtifactLocation is a file (§3.4): a URI, relative to the base named
// by URIBaseID when that is set.
type ArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// Region is a span of lines and columns, 1-based (§3.30).
type Region struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

// Fix is a suggested fix (§3.55).
type Fix struct {
	Description     *Message         `json:"description,omitempty"`
	ArtifactChanges []ArtifactChange `json:"artifactChanges"`
}

// ArtifactChange is a fix's changes to one file (§3.56).
type ArtifactChange struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Replacements     []Replacement    `json:"replacements"`
}

// Replacement replaces a region by new text (§3.57).
type Replacement struct {
	DeletedRegion   Region           `json:"deletedRegion"`
	InsertedContent *ArtifactContent `json:"insertedContent,omitempty"`
}

// ArtifactContent is text to insert (§3.3).
type ArtifactContent struct {
	Text string `json:"text"`
}

// Invocation is how the run went (§3.20).
type Invocation struct {
	ExecutionSuccessful        bool           `json:"executionSuccessful"`
	ToolExecutionNotifications []Notification `json:"toolExecutionNotifications,omitempty"`
}

// Notification is an error of the run (§3.58).
type Notification struct {
	Level   string  `json:"level,omitempty"`
	Message Message `json:"message"`
}
