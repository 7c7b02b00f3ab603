"""Built-in risk rules, one module per theme; importing the package registers them all in `findings`."""

from __future__ import annotations

# Each import registers that theme's rules, in the order `tfreview rules` lists them.
# isort: off
from tfreview.pipeline.rules import parsing as parsing
from tfreview.pipeline.rules import lifecycle as lifecycle
from tfreview.pipeline.rules import health as health
from tfreview.pipeline.rules import scale as scale
from tfreview.pipeline.rules import cuts as cuts
from tfreview.pipeline.rules import spans as spans
from tfreview.pipeline.rules import cleanups as cleanups
from tfreview.pipeline.rules import resets as resets
from tfreview.pipeline.rules import iam as iam
from tfreview.pipeline.rules import access as access
from tfreview.pipeline.rules import manifests as manifests
from tfreview.pipeline.rules import namespaces as namespaces
from tfreview.pipeline.rules import tenants as tenants
from tfreview.pipeline.rules import rootgrants as rootgrants
from tfreview.pipeline.rules import runas as runas
from tfreview.pipeline.rules import meshacl as meshacl
from tfreview.pipeline.rules import everyone as everyone
from tfreview.pipeline.rules import selfnamed as selfnamed
from tfreview.pipeline.rules import permitall as permitall
from tfreview.pipeline.rules import autoclose as autoclose
from tfreview.pipeline.rules import approvals as approvals
from tfreview.pipeline.rules import anyany as anyany
from tfreview.pipeline.rules import rotations as rotations
from tfreview.pipeline.rules import keyscope as keyscope
from tfreview.pipeline.rules import statements as statements
from tfreview.pipeline.rules import network as network
from tfreview.pipeline.rules import protection as protection
from tfreview.pipeline.rules import protectedrefs as protectedrefs
from tfreview.pipeline.rules import retention as retention
from tfreview.pipeline.rules import overrides as overrides
from tfreview.pipeline.rules import evidence as evidence
from tfreview.pipeline.rules import exposure as exposure
from tfreview.pipeline.rules import allowlist as allowlist
from tfreview.pipeline.rules import matchall as matchall
from tfreview.pipeline.rules import cors as cors
from tfreview.pipeline.rules import rootward as rootward
from tfreview.pipeline.rules import acltext as acltext
from tfreview.pipeline.rules import handover as handover
from tfreview.pipeline.rules import sweep as sweep
from tfreview.pipeline.rules import audience as audience
from tfreview.pipeline.rules import services as services
from tfreview.pipeline.rules import controls as controls
from tfreview.pipeline.rules import vocabulary as vocabulary
from tfreview.pipeline.rules import deliberate as deliberate
from tfreview.pipeline.rules import enrolment as enrolment
from tfreview.pipeline.rules import signonrules as signonrules
from tfreview.pipeline.rules import signinhosts as signinhosts
from tfreview.pipeline.rules import samegrant as samegrant
from tfreview.pipeline.rules import supplychain as supplychain
from tfreview.pipeline.rules import actionrefs as actionrefs
from tfreview.pipeline.rules import origins as origins
from tfreview.pipeline.rules import publishers as publishers
from tfreview.pipeline.rules import fetched as fetched
from tfreview.pipeline.rules import confusion as confusion
from tfreview.pipeline.rules import rollbacks as rollbacks
from tfreview.pipeline.rules import ai_safety as ai_safety
from tfreview.pipeline.rules import modes as modes
from tfreview.pipeline.rules import gates as gates
from tfreview.pipeline.rules import guards as guards
from tfreview.pipeline.rules import shortkept as shortkept
from tfreview.pipeline.rules import metadata as metadata
from tfreview.pipeline.rules import tenancy as tenancy
from tfreview.pipeline.rules import instances as instances
from tfreview.pipeline.rules import redactions as redactions
from tfreview.pipeline.rules import residency as residency
from tfreview.pipeline.rules import nameservers as nameservers
from tfreview.pipeline.rules import routing as routing
from tfreview.pipeline.rules import sharelinks as sharelinks
from tfreview.pipeline.rules import spend as spend
from tfreview.pipeline.rules import policydefs as policydefs
from tfreview.pipeline.rules import sharecontents as sharecontents
from tfreview.pipeline.rules import zonepolicy as zonepolicy
from tfreview.pipeline.rules import selfscoped as selfscoped
from tfreview.pipeline.rules import exclusions as exclusions
from tfreview.pipeline.rules import unsecured as unsecured
from tfreview.pipeline.rules import jobspecs as jobspecs
from tfreview.pipeline.rules import rolemapping as rolemapping
from tfreview.pipeline.rules import internetroutes as internetroutes
from tfreview.pipeline.rules import obligations as obligations
from tfreview.pipeline.rules import firebaserules as firebaserules
from tfreview.pipeline.rules import redaction as redaction
from tfreview.pipeline.rules import splitout as splitout
from tfreview.pipeline.rules import locks as locks
from tfreview.pipeline.rules import blinding as blinding
from tfreview.pipeline.rules import floors as floors
from tfreview.pipeline.rules import reach as reach
from tfreview.pipeline.rules import mutes as mutes
from tfreview.pipeline.rules import unreachable as unreachable
from tfreview.pipeline.rules import expiration as expiration
from tfreview.pipeline.rules import mirrorsync as mirrorsync
from tfreview.pipeline.rules import upgrades as upgrades
from tfreview.pipeline.rules import openpolicy as openpolicy
from tfreview.pipeline.rules import chartmodes as chartmodes
from tfreview.pipeline.rules import recipients as recipients
from tfreview.pipeline.rules import routes as routes
from tfreview.pipeline.rules import peering as peering
from tfreview.pipeline.rules import tunnels as tunnels
from tfreview.pipeline.rules import shippers as shippers
from tfreview.pipeline.rules import foreign as foreign
from tfreview.pipeline.rules import egress as egress
from tfreview.pipeline.rules import exfil as exfil
from tfreview.pipeline.rules import clients as clients
from tfreview.pipeline.rules import openscopes as openscopes
from tfreview.pipeline.rules import workforce as workforce
from tfreview.pipeline.rules import rolemaps as rolemaps
from tfreview.pipeline.rules import text as text
from tfreview.pipeline.rules import credentials as credentials
from tfreview.pipeline.rules import hardcoded as hardcoded
from tfreview.pipeline.rules import published as published
from tfreview.pipeline.rules import sharing as sharing
from tfreview.pipeline.rules import plainstore as plainstore
from tfreview.pipeline.rules import bundled as bundled
from tfreview.pipeline.rules import copies as copies
from tfreview.pipeline.rules import custom as custom
from tfreview.pipeline.rules import websites as websites
from tfreview.pipeline.rules import mirrors as mirrors
from tfreview.pipeline.rules import assets as assets
from tfreview.pipeline.rules import stagedgates as stagedgates
from tfreview.pipeline.rules import keepers as keepers
from tfreview.pipeline.rules import ondemand as ondemand
from tfreview.pipeline.rules import fenced as fenced
from tfreview.pipeline.rules import ruleactions as ruleactions
from tfreview.pipeline.rules import inverted as inverted
from tfreview.pipeline.rules import endpoints as endpoints
from tfreview.pipeline.rules import handoffs as handoffs
from tfreview.pipeline.rules import narrowedroles as narrowedroles
from tfreview.pipeline.rules import delegations as delegations
from tfreview.pipeline.rules import remade as remade
from tfreview.pipeline.rules import wipes as wipes
from tfreview.pipeline.rules import hosts as hosts
from tfreview.pipeline.rules import safeguards as safeguards
from tfreview.pipeline.rules import workloads as workloads
from tfreview.pipeline.rules import endpointpolicy as endpointpolicy
from tfreview.pipeline.rules import crossings as crossings
from tfreview.pipeline.rules import dnsoverride as dnsoverride
from tfreview.pipeline.rules import members as members
from tfreview.pipeline.rules import controlplane as controlplane
from tfreview.pipeline.rules import repomoved as repomoved
from tfreview.pipeline.rules import anytoany as anytoany
from tfreview.pipeline.rules import edge as edge
from tfreview.pipeline.rules import code as code
from tfreview.pipeline.rules import provisioners as provisioners
from tfreview.pipeline.rules import providerlinks as providerlinks
from tfreview.pipeline.rules import templates as templates
from tfreview.pipeline.rules import bootscript as bootscript
from tfreview.pipeline.rules import containercmds as containercmds
from tfreview.pipeline.rules import casbin as casbin
from tfreview.pipeline.rules import policyscope as policyscope
from tfreview.pipeline.rules import runcommands as runcommands
from tfreview.pipeline.rules import addresslists as addresslists
from tfreview.pipeline.rules import cloudtenants as cloudtenants
from tfreview.pipeline.rules import pipelineroles as pipelineroles
from tfreview.pipeline.rules import delegable as delegable
from tfreview.pipeline.rules import pipelines as pipelines
from tfreview.pipeline.rules import traffic as traffic
from tfreview.pipeline.rules import keystrength as keystrength
from tfreview.pipeline.rules import storerights as storerights
from tfreview.pipeline.rules import openrules as openrules
from tfreview.pipeline.rules import bypassers as bypassers
from tfreview.pipeline.rules import passage as passage
from tfreview.pipeline.rules import unconditioned as unconditioned
from tfreview.pipeline.rules import flagged as flagged
from tfreview.pipeline.rules import guardrails as guardrails
from tfreview.pipeline.rules import restrictions as restrictions
from tfreview.pipeline.rules import databases as databases
from tfreview.pipeline.rules import logblocks as logblocks
from tfreview.pipeline.rules import plainsources as plainsources
from tfreview.pipeline.rules import foreigncode as foreigncode
from tfreview.pipeline.rules import csp as csp
from tfreview.pipeline.rules import withstore as withstore
from tfreview.pipeline.rules import departures as departures
from tfreview.pipeline.rules import layers as layers
from tfreview.pipeline.rules import keyholders as keyholders
from tfreview.pipeline.rules import disarmed as disarmed
from tfreview.pipeline.rules import rulestext as rulestext
from tfreview.pipeline.rules import mutabletags as mutabletags
from tfreview.pipeline.rules import anyside as anyside
from tfreview.pipeline.rules import attachedopen as attachedopen
from tfreview.pipeline.rules import unverified as unverified
from tfreview.pipeline.rules import apispecs as apispecs
from tfreview.pipeline.rules import steps as steps
from tfreview.pipeline.rules import headerpass as headerpass
from tfreview.pipeline.rules import artifacts as artifacts
from tfreview.pipeline.rules import sharedcache as sharedcache
from tfreview.pipeline.rules import egressrules as egressrules
from tfreview.pipeline.rules import metadatareach as metadatareach
from tfreview.pipeline.rules import lookalike as lookalike
from tfreview.pipeline.rules import guardrailplan as guardrailplan
from tfreview.pipeline.rules import alertrules as alertrules
from tfreview.pipeline.rules import authsteps as authsteps
from tfreview.pipeline.rules import standins as standins
from tfreview.pipeline.rules import dnsforward as dnsforward
from tfreview.pipeline.rules import workflowfiles as workflowfiles
from tfreview.pipeline.rules import acceptance as acceptance
from tfreview.pipeline.rules import blockscope as blockscope
from tfreview.pipeline.rules import whowidened as whowidened
from tfreview.pipeline.rules import stillused as stillused
from tfreview.pipeline.rules import rollouts as rollouts
from tfreview.pipeline.rules import labelscope as labelscope
from tfreview.pipeline.rules import healthpaths as healthpaths
from tfreview.pipeline.rules import tokenscope as tokenscope
from tfreview.pipeline.rules import grantscope as grantscope
from tfreview.pipeline.rules import authswap as authswap
from tfreview.pipeline.rules import trailcoverage as trailcoverage
from tfreview.pipeline.rules import publicapps as publicapps
from tfreview.pipeline.rules import stagingpages as stagingpages
from tfreview.pipeline.rules import cachekeys as cachekeys
from tfreview.pipeline.rules import timeboxed as timeboxed
from tfreview.pipeline.rules import bluegreen as bluegreen
from tfreview.pipeline.rules import qualified as qualified
from tfreview.pipeline.rules import resemblance as resemblance
# isort: on

THEMES = (
    "parsing",
    "lifecycle",
    "health",
    "scale",
    "cuts",
    "resets",
    "iam",
    "access",
    "tenants",
    "everyone",
    "selfnamed",
    "statements",
    "network",
    "protection",
    "retention",
    "exposure",
    "services",
    "controls",
    "vocabulary",
    "deliberate",
    "ai_safety",
    "modes",
    "gates",
    "guards",
    "shortkept",
    "metadata",
    "tenancy",
    "instances",
    "redactions",
    "residency",
    "nameservers",
    "routing",
    "sharelinks",
    "spend",
    "policydefs",
    "sharecontents",
    "zonepolicy",
    "selfscoped",
    "exclusions",
    "unsecured",
    "jobspecs",
    "rolemapping",
    "internetroutes",
    "obligations",
    "firebaserules",
    "redaction",
    "splitout",
    "locks",
    "blinding",
    "floors",
    "reach",
    "mutes",
    "unreachable",
    "expiration",
    "upgrades",
    "openpolicy",
    "chartmodes",
    "routes",
    "peering",
    "foreign",
    "text",
    "credentials",
    "hardcoded",
    "published",
    "sharing",
    "plainstore",
    "custom",
    "websites",
    "mirrors",
    "assets",
    "stagedgates",
    "handoffs",
    "narrowedroles",
    "wipes",
    "safeguards",
    "workloads",
    "endpointpolicy",
    "crossings",
    "dnsoverride",
    "members",
    "controlplane",
    "repomoved",
    "anytoany",
    "edge",
    "code",
    "provisioners",
    "providerlinks",
    "templates",
    "bootscript",
    "containercmds",
    "casbin",
    "policyscope",
    "runcommands",
    "addresslists",
    "cloudtenants",
    "pipelineroles",
    "delegable",
    "traffic",
    "keystrength",
    "storerights",
    "openrules",
    "bypassers",
    "passage",
    "unconditioned",
    "flagged",
    "guardrails",
    "restrictions",
    "databases",
    "logblocks",
    "plainsources",
    "foreigncode",
    "csp",
    "metadatareach",
    "lookalike",
    "guardrailplan",
    "alertrules",
    "authsteps",
    "standins",
    "dnsforward",
    "workflowfiles",
    "acceptance",
    "blockscope",
    "whowidened",
    "stillused",
    "rollouts",
    "labelscope",
    "healthpaths",
    "tokenscope",
    "grantscope",
    "authswap",
    "trailcoverage",
    "publicapps",
    "stagingpages",
    "cachekeys",
    "timeboxed",
    "bluegreen",
    "qualified",
    "resemblance",
)
