<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>App</name>
    <message>
        <location filename="../../desktop_uploader/gui/app.py" line="42"/>
        <source>Desktop Uploader</source>
        <translation>Desktop Uploader</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/app.py" line="81"/>
        <source>Settings cannot be read</source>
        <translation>Die Einstellungen können nicht gelesen werden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/app.py" line="89"/>
        <source>Unknown destination</source>
        <translation>Unbekanntes Ziel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/app.py" line="90"/>
        <source>There is no destination named “{name}”.</source>
        <translation>Es gibt kein Ziel mit dem Namen „{name}“.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/app.py" line="96"/>
        <source>The upload queue cannot be opened</source>
        <translation>Die Warteschlange der Uploads lässt sich nicht öffnen</translation>
    </message>
</context>
<context>
    <name>DestinationChooser</name>
    <message>
        <location filename="../../desktop_uploader/gui/destination_chooser.py" line="27"/>
        <source>{folder} (through {host})</source>
        <translation>{folder} (über {host})</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/destination_chooser.py" line="29"/>
        <source>the place {host} chooses</source>
        <translation>den Ort, den {host} bestimmt</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/destination_chooser.py" line="34"/>
        <source>“{name}” → {place}</source>
        <translation>„{name}“ → {place}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/destination_chooser.py" line="46"/>
        <source>Upload &amp;to:</source>
        <translation>Hochladen &amp;nach:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/destination_chooser.py" line="48"/>
        <location filename="../../desktop_uploader/gui/destination_chooser.py" line="49"/>
        <source>Destination</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/destination_chooser.py" line="53"/>
        <source>Place in the storage</source>
        <translation>Ort im Speicher</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/destination_chooser.py" line="68"/>
        <source> (default)</source>
        <translation> (Standard)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/destination_chooser.py" line="96"/>
        <source>Dropped files are stored here; folders keep their own names below it.</source>
        <translation>Abgelegte Dateien werden hier gespeichert; Ordner behalten darunter ihren eigenen Namen.</translation>
    </message>
</context>
<context>
    <name>DestinationTab</name>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="38"/>
        <source>Destination name</source>
        <translation>Name des Ziels</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="38"/>
        <source>for example: Photos archive</source>
        <translation>zum Beispiel: Fotoarchiv</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="39"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="41"/>
        <source>How uploads are authorised</source>
        <translation>Wie Uploads autorisiert werden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="42"/>
        <source>Signing service (recommended)</source>
        <translation>Signierdienst (empfohlen)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="43"/>
        <source>Access keys on this computer</source>
        <translation>Zugangsschlüssel auf diesem Computer</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="44"/>
        <source>&amp;Authorisation:</source>
        <translation>&amp;Autorisierung:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="52"/>
        <source>Allow unencrypted http to other computers (not recommended)</source>
        <translation>Unverschlüsseltes http zu anderen Computern erlauben (nicht empfohlen)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="60"/>
        <source>Signing service address</source>
        <translation>Adresse des Signierdienstes</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="61"/>
        <source>Service &amp;URL:</source>
        <translation>Dienst-&amp;URL:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="63"/>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="64"/>
        <source>Simple (one link per file)</source>
        <translation>Einfach (ein Link pro Datei)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="65"/>
        <source>Uppy Companion</source>
        <translation>Uppy Companion</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="66"/>
        <source>&amp;Protocol:</source>
        <translation>&amp;Protokoll:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="68"/>
        <source>Request method</source>
        <translation>Anfragemethode</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="70"/>
        <source>Request &amp;method:</source>
        <translation>Anfrage&amp;methode:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="71"/>
        <source>Parameter name for the object key</source>
        <translation>Parametername für den Objektschlüssel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="72"/>
        <source>&amp;Key parameter:</source>
        <translation>&amp;Schlüsselparameter:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="73"/>
        <source>Parameter name for the content type</source>
        <translation>Parametername für den Inhaltstyp</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="74"/>
        <source>Content &amp;type parameter:</source>
        <translation>Inhalts&amp;typ-Parameter:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="75"/>
        <source>Field of the answer that holds the link</source>
        <translation>Feld der Antwort, das den Link enthält</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="76"/>
        <source>&amp;Link field:</source>
        <translation>&amp;Linkfeld:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="78"/>
        <source>Batch si&amp;gning (many links per request)</source>
        <translation>Sammel-Si&amp;gnierung (viele Links pro Anfrage)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="79"/>
        <source>Links for up to 100 files come in one round trip: much quicker for many small files on slow links. The connection test tells whether the service can.</source>
        <translation>Links für bis zu 100 Dateien kommen in einem Durchgang: viel schneller für viele kleine Dateien über langsame Verbindungen. Der Verbindungstest zeigt, ob der Dienst das kann.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="83"/>
        <source>Secret &amp;headers:</source>
        <translation>Geheime &amp;Header:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="91"/>
        <source>Secret headers</source>
        <translation>Geheime Header</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="92"/>
        <source>Header</source>
        <translation>Header</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="92"/>
        <source>Value (keychain)</source>
        <translation>Wert (Schlüsselbund)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="98"/>
        <source>Add &amp;header</source>
        <translation>Header &amp;hinzufügen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="99"/>
        <source>Remove header</source>
        <translation>Header entfernen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="113"/>
        <source>Bucket</source>
        <translation>Bucket</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="114"/>
        <source>&amp;Bucket:</source>
        <translation>&amp;Bucket:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="115"/>
        <source>Region</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="116"/>
        <source>&amp;Region:</source>
        <translation>&amp;Region:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="117"/>
        <source>S3-compatible server address</source>
        <translation>Adresse des S3-kompatiblen Servers</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="118"/>
        <source>empty for Amazon S3; e.g. https://s3.example.org</source>
        <translation>leer für Amazon S3; z. B. https://s3.example.org</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="119"/>
        <source>S3 &amp;server URL:</source>
        <translation>S3-&amp;Server-URL:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="121"/>
        <source>Addressing style</source>
        <translation>Adressierungsart</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="124"/>
        <source>Addressing st&amp;yle:</source>
        <translation>Adressierungs&amp;art:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="145"/>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="171"/>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="226"/>
        <source>Saved in the keychain; type to replace</source>
        <translation>Im Schlüsselbund gespeichert; zum Ersetzen eintippen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="125"/>
        <source>Access key ID</source>
        <translation>Zugangsschlüssel-ID</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="126"/>
        <source>Access key &amp;ID:</source>
        <translation>Zugangsschlüssel-&amp;ID:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="127"/>
        <source>Secret access key</source>
        <translation>Geheimer Zugangsschlüssel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="129"/>
        <source>&amp;Secret access key:</source>
        <translation>&amp;Geheimer Zugangsschlüssel:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="130"/>
        <source>Keys are stored in the system keychain only and are never shown again.</source>
        <translation>Schlüssel werden nur im Schlüsselbund des Systems gespeichert und nie wieder angezeigt.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="140"/>
        <source>Header name</source>
        <translation>Header-Name</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="143"/>
        <source>Header value</source>
        <translation>Header-Wert</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="146"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="175"/>
        <source>Required, e.g. AKIA…</source>
        <translation>Erforderlich, z. B. AKIA…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="176"/>
        <source>Required</source>
        <translation>Erforderlich</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/destination_tab.py" line="184"/>
        <source>Queued uploads refer to the destination by its name, so it cannot be renamed.</source>
        <translation>Uploads in der Warteschlange verweisen über den Namen auf das Ziel; es kann daher nicht umbenannt werden.</translation>
    </message>
</context>
<context>
    <name>DetailsDialog</name>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="42"/>
        <source>Upload details – {name}</source>
        <translation>Upload-Details – {name}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="43"/>
        <source>Upload details</source>
        <translation>Upload-Details</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="58"/>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="60"/>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="62"/>
        <source>Sent to:</source>
        <translation>Gesendet an:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="62"/>
        <source>“{name}” (no longer set up)</source>
        <translation>„{name}“ (nicht mehr eingerichtet)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="64"/>
        <source>Stored as:</source>
        <translation>Gespeichert als:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="67"/>
        <source>Address:</source>
        <translation>Adresse:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="68"/>
        <source>Size:</source>
        <translation>Größe:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="69"/>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="73"/>
        <source>The upload failed.</source>
        <translation>Der Upload ist fehlgeschlagen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="75"/>
        <source>Why:</source>
        <translation>Warum:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="77"/>
        <source>What you can do:</source>
        <translation>Was Sie tun können:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="79"/>
        <source>For your administrator:</source>
        <translation>Für Ihre Administration:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="81"/>
        <source>Who can fix it:</source>
        <translation>Wer es beheben kann:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="84"/>
        <source>Trying again may help:</source>
        <translation>Erneuter Versuch kann helfen:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="85"/>
        <source>Yes, the cause may pass by itself</source>
        <translation>Ja, die Ursache kann von selbst vergehen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="86"/>
        <source>Only once the cause is fixed</source>
        <translation>Erst wenn die Ursache behoben ist</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="112"/>
        <source>Send this file once more</source>
        <translation>Diese Datei noch einmal senden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="97"/>
        <source>Technical details (no passwords or keys are included):</source>
        <translation>Technische Details (ohne Passwörter oder Schlüssel):</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="101"/>
        <source>Technical details</source>
        <translation>Technische Details</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="106"/>
        <source>&amp;Copy report</source>
        <translation>Bericht &amp;kopieren</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="107"/>
        <source>Copy report</source>
        <translation>Bericht kopieren</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="111"/>
        <source>&amp;Try again</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
</context>
<context>
    <name>DropZone</name>
    <message>
        <location filename="../../desktop_uploader/gui/drop_zone.py" line="17"/>
        <source>Drop zone</source>
        <translation>Ablagefläche</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/drop_zone.py" line="18"/>
        <source>Drop files or folders anywhere on this window to upload them.</source>
        <translation>Ziehen Sie Dateien oder Ordner irgendwo auf dieses Fenster, um sie hochzuladen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/drop_zone.py" line="23"/>
        <location filename="../../desktop_uploader/gui/drop_zone.py" line="45"/>
        <source>Drop files or folders here to upload them</source>
        <translation>Dateien oder Ordner zum Hochladen hierher ziehen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/drop_zone.py" line="28"/>
        <source>Add &amp;files…</source>
        <translation>&amp;Dateien hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/drop_zone.py" line="29"/>
        <source>Add f&amp;older…</source>
        <translation>&amp;Ordner hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/drop_zone.py" line="44"/>
        <source>Adding files…</source>
        <translation>Dateien werden hinzugefügt…</translation>
    </message>
</context>
<context>
    <name>GeneralTab</name>
    <message>
        <location filename="../../desktop_uploader/gui/settings/general_tab.py" line="26"/>
        <source>No limit</source>
        <translation>Keine Begrenzung</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/general_tab.py" line="27"/>
        <source>Bandwidth limit</source>
        <translation>Bandbreitenbegrenzung</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/general_tab.py" line="28"/>
        <source>Applies at once, also to uploads already running.</source>
        <translation>Gilt sofort, auch für Uploads, die gerade laufen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/general_tab.py" line="31"/>
        <source>&amp;Bandwidth limit:</source>
        <translation>&amp;Bandbreitenbegrenzung:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/general_tab.py" line="33"/>
        <source>Keep uploading in the background when the window is closed</source>
        <translation>Beim Schließen des Fensters im Hintergrund weiter hochladen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/general_tab.py" line="38"/>
        <source>Wait for Wi-Fi or a wired network when on mobile data</source>
        <translation>Bei mobilen Daten auf WLAN oder Kabelnetz warten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/general_tab.py" line="39"/>
        <source>Uploads pause while this computer is on a metered connection (mobile data, a phone&apos;s hotspot) and go on by themselves on Wi-Fi or a wired network.</source>
        <translation>Uploads pausieren, solange dieser Computer eine getaktete Verbindung nutzt (mobile Daten, den Hotspot eines Telefons), und laufen im WLAN oder Kabelnetz von selbst weiter.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/general_tab.py" line="46"/>
        <source>Start when I log in, to finish uploads left in the queue</source>
        <translation>Beim Anmelden starten und offene Uploads fertigstellen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/general_tab.py" line="47"/>
        <source>After a restart or a power cut, the uploads go on by themselves. The window stays in the tray until you open it.</source>
        <translation>Nach einem Neustart oder Stromausfall laufen die Uploads von selbst weiter. Das Fenster bleibt im Infobereich, bis Sie es öffnen.</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../desktop_uploader/gui/history.py" line="80"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history.py" line="81"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history.py" line="82"/>
        <source>Uploaded</source>
        <translation>Hochgeladen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history.py" line="83"/>
        <source>Sent to</source>
        <translation>Gesendet an</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history.py" line="84"/>
        <source>Stored as</source>
        <translation>Gespeichert als</translation>
    </message>
</context>
<context>
    <name>HistoryTab</name>
    <message>
        <location filename="../../desktop_uploader/gui/history_tab.py" line="38"/>
        <source>Copy &amp;destination key</source>
        <translation>&amp;Zielschlüssel kopieren</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history_tab.py" line="41"/>
        <source>&amp;Open containing folder</source>
        <translation>Enthaltenden &amp;Ordner öffnen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history_tab.py" line="49"/>
        <source>Search uploaded files by name or destination</source>
        <translation>Hochgeladene Dateien nach Name oder Ziel durchsuchen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history_tab.py" line="50"/>
        <source>Search history</source>
        <translation>Verlauf durchsuchen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history_tab.py" line="65"/>
        <source>Uploaded files</source>
        <translation>Hochgeladene Dateien</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history_tab.py" line="122"/>
        <source>Showing the newest {shown} of {total} uploaded files; the search looks through all of them.</source>
        <translation>Die neuesten {shown} von {total} hochgeladenen Dateien werden angezeigt; die Suche durchsucht alle.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history_tab.py" line="125"/>
        <source>Showing the first {shown} matches; type more of the name to narrow the search.</source>
        <translation>Die ersten {shown} Treffer werden angezeigt; geben Sie mehr vom Namen ein, um die Suche einzugrenzen.</translation>
    </message>
</context>
<context>
    <name>KioskController</name>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="177"/>
        <source>Kiosk mode needs a destination: {error}</source>
        <translation>Der Kioskmodus braucht ein Ziel: {error}</translation>
    </message>
</context>
<context>
    <name>KioskCounts</name>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/counts.py" line="45"/>
        <source>waiting</source>
        <translation>warten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/counts.py" line="46"/>
        <source>being sent</source>
        <translation>werden gesendet</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/counts.py" line="47"/>
        <source>need attention</source>
        <translation>brauchen Aufmerksamkeit</translation>
    </message>
</context>
<context>
    <name>KioskDialogs</name>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="52"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>KioskFileModel</name>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/model.py" line="53"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/model.py" line="53"/>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/model.py" line="112"/>
        <source>Connection trouble, trying again in {seconds} s</source>
        <translation>Verbindungsproblem, neuer Versuch in {seconds} s</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/model.py" line="113"/>
        <source>Trying again</source>
        <translation>Wird erneut versucht</translation>
    </message>
</context>
<context>
    <name>KioskFileState</name>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="417"/>
        <source>Waiting for network</source>
        <translation>Wartet auf Netzwerk</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="418"/>
        <source>Waiting for Wi-Fi</source>
        <translation>Wartet auf WLAN</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="424"/>
        <source>Waiting to send</source>
        <translation>Wartet auf Versand</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="426"/>
        <source>Getting ready to send</source>
        <translation>Wird zum Senden vorbereitet</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="431"/>
        <source>Sending…</source>
        <translation>Wird gesendet…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="432"/>
        <source>Sending… {percent} %</source>
        <translation>Wird gesendet… {percent} %</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="435"/>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="437"/>
        <source>Sent at {time}</source>
        <translation>Gesendet um {time}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="440"/>
        <source>Will try again shortly</source>
        <translation>Neuer Versuch in Kürze</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="444"/>
        <source>Needs attention</source>
        <translation>Aufmerksamkeit erforderlich</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="445"/>
        <source>Needs attention: {reason}</source>
        <translation>Aufmerksamkeit erforderlich: {reason}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="446"/>
        <source>Not sent</source>
        <translation>Nicht gesendet</translation>
    </message>
</context>
<context>
    <name>KioskSettingsDialog</name>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="35"/>
        <source>Set by your administrator&apos;s locked configuration; it cannot be changed here.</source>
        <translation>Von der gesperrten Konfiguration Ihrer Administration festgelegt; kann hier nicht geändert werden.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="40"/>
        <source>Leave the file where it is</source>
        <translation>Datei an ihrem Ort lassen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="41"/>
        <source>Copy it to the sent folder</source>
        <translation>In den Ordner für Gesendetes kopieren</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="42"/>
        <source>Move it to the sent folder</source>
        <translation>In den Ordner für Gesendetes verschieben</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="58"/>
        <source>Kiosk settings</source>
        <translation>Kiosk-Einstellungen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="79"/>
        <source>Send to</source>
        <translation>Senden an</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="87"/>
        <source>{folder} (from the command line)</source>
        <translation>{folder} (von der Kommandozeile)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="90"/>
        <source>Watched because kiosk mode was started with --watch; change the command line to stop watching it.</source>
        <translation>Wird beobachtet, weil der Kioskmodus mit --watch gestartet wurde; ändern Sie die Kommandozeile, um ihn nicht mehr zu beobachten.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="95"/>
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="97"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="102"/>
        <source>Watch folders</source>
        <translation>Überwachte Ordner</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="107"/>
        <source> s</source>
        <comment>unit suffix for seconds</comment>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="109"/>
        <source>Send a file once unchanged for</source>
        <translation>Datei senden, wenn unverändert seit</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="115"/>
        <source>After sending</source>
        <translation>Nach dem Senden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="118"/>
        <source>Sent folder</source>
        <translation>Ordner für Gesendetes</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="122"/>
        <source>Send only over Wi-Fi or wired networks (not mobile data)</source>
        <translation>Nur über WLAN oder kabelgebundene Netzwerke senden (keine mobilen Daten)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="124"/>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="127"/>
        <source>the computer&apos;s name</source>
        <translation>der Name des Computers</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="128"/>
        <source>Device name</source>
        <translation>Gerätename</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="131"/>
        <source>the destination&apos;s own naming</source>
        <translation>die Benennung des Ziels</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="132"/>
        <source>Name on the server</source>
        <translation>Name auf dem Server</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="134"/>
        <source>Ask for the operator&apos;s name at the start of each shift</source>
        <translation>Zu Beginn jeder Schicht nach dem Namen der Bedienperson fragen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="136"/>
        <source>Shift</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="138"/>
        <source>Open in kiosk mode when the app starts</source>
        <translation>Beim Start der App im Kioskmodus öffnen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="140"/>
        <source>Start-up</source>
        <translation>Programmstart</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="143"/>
        <source>Change admin PIN…</source>
        <translation>Admin-PIN ändern…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="154"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="156"/>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/settings.py" line="180"/>
        <source>Folder to watch</source>
        <translation>Zu überwachender Ordner</translation>
    </message>
</context>
<context>
    <name>KioskStatus</name>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="97"/>
        <source>Sending 1 file…</source>
        <translation>1 Datei wird gesendet…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="98"/>
        <source>Sending {count} files…</source>
        <translation>{count} Dateien werden gesendet…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="100"/>
        <source>1 file waiting for network</source>
        <translation>1 Datei wartet auf das Netzwerk</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="101"/>
        <source>{count} files waiting for network</source>
        <translation>{count} Dateien warten auf das Netzwerk</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="104"/>
        <source>1 file waiting for Wi-Fi or a wired network</source>
        <translation>1 Datei wartet auf WLAN oder ein kabelgebundenes Netzwerk</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="106"/>
        <source>{count} files waiting for Wi-Fi or a wired network</source>
        <translation>{count} Dateien warten auf WLAN oder ein kabelgebundenes Netzwerk</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="109"/>
        <source>1 needs attention</source>
        <translation>1 erfordert Aufmerksamkeit</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="110"/>
        <source>{count} need attention</source>
        <translation>{count} erfordern Aufmerksamkeit</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="113"/>
        <source>Ready. New files are sent by themselves.</source>
        <translation>Bereit. Neue Dateien werden automatisch gesendet.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="118"/>
        <source>All sent at {time}</source>
        <translation>Alles gesendet um {time}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="120"/>
        <source>dd MMM</source>
        <comment>date pattern for QDate::toString</comment>
        <translation>dd. MMM</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/controller.py" line="122"/>
        <source>All sent on {date} at {time}</source>
        <translation>Alles gesendet am {date} um {time}</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="66"/>
        <source>Checking the connection…</source>
        <translation>Verbindung wird geprüft…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="67"/>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="68"/>
        <source>No connection to the server</source>
        <translation>Keine Verbindung zum Server</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="69"/>
        <source>Metered connection: waiting for Wi-Fi or a wired network</source>
        <translation>Getaktete Verbindung: Warten auf WLAN oder ein kabelgebundenes Netzwerk</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="91"/>
        <source>Desktop Uploader — kiosk</source>
        <translation>Desktop Uploader — Kiosk</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="114"/>
        <source>Watched folders and destination</source>
        <translation>Beobachtete Ordner und Ziel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="119"/>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="152"/>
        <source>Try again</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="153"/>
        <source>Send the files that need attention once more</source>
        <translation>Die Dateien, die Aufmerksamkeit erfordern, noch einmal senden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="155"/>
        <source>Change operator</source>
        <translation>Bedienperson wechseln</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="157"/>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="307"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="159"/>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="293"/>
        <source>Leave full screen</source>
        <translation>Vollbild verlassen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="162"/>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="225"/>
        <source>Operator: {name}</source>
        <translation>Bedienperson: {name}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="226"/>
        <source>Device: {name}</source>
        <translation>Gerät: {name}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="234"/>
        <source>no folder yet (set one in Settings)</source>
        <translation>noch kein Ordner (in den Einstellungen festlegen)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="235"/>
        <source>Watching: {folders}
Sending to: {destination}</source>
        <translation>Beobachtet: {folders}
Sendet an: {destination}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="269"/>
        <source>Enter the admin PIN to quit. Files not sent yet are kept and sent after the next start.</source>
        <translation>Geben Sie die Admin-PIN ein, um die App zu beenden. Noch nicht gesendete Dateien bleiben erhalten und werden nach dem nächsten Start gesendet.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="273"/>
        <source>Enter the admin PIN to open the settings.</source>
        <translation>Geben Sie die Admin-PIN ein, um die Einstellungen zu öffnen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="277"/>
        <source>Enter the admin PIN to leave full screen.</source>
        <translation>Geben Sie die Admin-PIN ein, um das Vollbild zu verlassen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="159"/>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="288"/>
        <source>Full screen</source>
        <translation>Vollbild</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="380"/>
        <location filename="../../desktop_uploader/gui/kiosk/window.py" line="390"/>
        <source>Kiosk mode cannot start</source>
        <translation>Der Kioskmodus kann nicht starten</translation>
    </message>
</context>
<context>
    <name>LinkActions</name>
    <message>
        <location filename="../../desktop_uploader/gui/links.py" line="43"/>
        <source>Copy &amp;link</source>
        <translation>&amp;Link kopieren</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/links.py" line="44"/>
        <location filename="../../desktop_uploader/gui/links.py" line="54"/>
        <source>Copy a link to the uploaded file that others can open</source>
        <translation>Einen Link zur hochgeladenen Datei kopieren, den andere öffnen können</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/links.py" line="45"/>
        <source>Open in &amp;browser</source>
        <translation>Im &amp;Browser öffnen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/links.py" line="53"/>
        <source>A link can be made once the file is uploaded.</source>
        <translation>Ein Link ist möglich, sobald die Datei hochgeladen ist.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/links.py" line="56"/>
        <source>Open the uploaded file in the web browser</source>
        <translation>Die hochgeladene Datei im Webbrowser öffnen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/links.py" line="76"/>
        <source>Copied the public address of {count} file(s).</source>
        <translation>Öffentliche Adresse von {count} Datei(en) kopiert.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/links.py" line="78"/>
        <source>Copied a download link for {count} file(s); it works for 24 hours.</source>
        <translation>Download-Link für {count} Datei(en) kopiert; er funktioniert 24 Stunden lang.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/links.py" line="80"/>
        <source>Copied the address of {count} file(s). It opens only for people allowed to read the storage.</source>
        <translation>Adresse von {count} Datei(en) kopiert. Sie öffnet sich nur für Personen, die den Speicher lesen dürfen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/links.py" line="98"/>
        <source>Opened the file&apos;s address; it opens only for people allowed to read the storage.</source>
        <translation>Adresse der Datei geöffnet; sie öffnet sich nur für Personen, die den Speicher lesen dürfen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/links.py" line="102"/>
        <source>No address is known for some of these files: they went through a signing service before this version of the app kept addresses.</source>
        <translation>Für einige dieser Dateien ist keine Adresse bekannt: Sie gingen über einen Signierdienst, bevor diese Version der App Adressen speicherte.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="88"/>
        <source>Desktop Uploader</source>
        <translation>Desktop Uploader</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="124"/>
        <source>Add &amp;files…</source>
        <translation>&amp;Dateien hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="126"/>
        <location filename="../../desktop_uploader/gui/main_window.py" line="268"/>
        <source>Choose files to upload</source>
        <translation>Dateien zum Hochladen auswählen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="127"/>
        <source>Add f&amp;older…</source>
        <translation>&amp;Ordner hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="128"/>
        <location filename="../../desktop_uploader/gui/main_window.py" line="272"/>
        <source>Choose a folder to upload</source>
        <translation>Ordner zum Hochladen auswählen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="129"/>
        <source>&amp;Paste files</source>
        <translation>Dateien &amp;einfügen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="131"/>
        <source>Upload files copied in your file manager</source>
        <translation>Im Dateimanager kopierte Dateien hochladen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="132"/>
        <source>&amp;Settings…</source>
        <translation>E&amp;instellungen…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="136"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="143"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="150"/>
        <source>&amp;Uploads</source>
        <translation>&amp;Uploads</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="155"/>
        <source>&amp;Selected</source>
        <translation>Au&amp;swahl</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="158"/>
        <source>Main toolbar</source>
        <translation>Hauptwerkzeugleiste</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="180"/>
        <source>No upload destination is set up yet. Open Settings to add one.</source>
        <translation>Es ist noch kein Upload-Ziel eingerichtet. Öffnen Sie die Einstellungen, um eines hinzuzufügen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="187"/>
        <source>Uploads</source>
        <translation>Uploads</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="189"/>
        <source>&amp;Queue</source>
        <translation>&amp;Warteschlange</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="190"/>
        <source>&amp;History</source>
        <translation>&amp;Verlauf</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="240"/>
        <source>Adding {count} item(s) for {destination}…</source>
        <translation>{count} Element(e) werden für {destination} hinzugefügt…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="253"/>
        <source>{path}: already stored as {key}</source>
        <translation>{path}: bereits gespeichert als {key}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="255"/>
        <source>{path}: uploaded from this computer before as {key}, unchanged since (to send it again, choose “Replace what is there” in Settings)</source>
        <translation>{path}: schon früher von diesem Computer als {key} gesendet und seitdem unverändert (zum erneuten Senden in den Einstellungen „Vorhandene Datei ersetzen“ wählen)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="262"/>
        <source>Added {count} file(s) for {destination}.</source>
        <translation>{count} Datei(en) für {destination} hinzugefügt.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="258"/>
        <source>{count} item(s) were skipped. Hover here for the list.</source>
        <translation>{count} Element(e) wurden übersprungen. Für die Liste hier verweilen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="280"/>
        <source>The clipboard holds no files to upload.</source>
        <translation>Die Zwischenablage enthält keine Dateien zum Hochladen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="369"/>
        <source>Something went wrong</source>
        <translation>Etwas ist schiefgegangen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="428"/>
        <source>Uploads are still running</source>
        <translation>Es laufen noch Uploads</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="429"/>
        <source>Quit anyway? Unfinished uploads are kept and continue the next time you open the app.</source>
        <translation>Trotzdem beenden? Unfertige Uploads bleiben erhalten und werden beim nächsten Start fortgesetzt.</translation>
    </message>
</context>
<context>
    <name>NamesTab</name>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="23"/>
        <source>Folder in the bucket</source>
        <translation>Ordner im Bucket</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="23"/>
        <source>optional, e.g. incoming/</source>
        <translation>optional, z. B. eingang/</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="24"/>
        <source>&amp;Folder in the bucket:</source>
        <translation>&amp;Ordner im Bucket:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="25"/>
        <source>Key template</source>
        <translation>Namensvorlage</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="26"/>
        <source>Name &amp;template:</source>
        <translation>Namens&amp;vorlage:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="27"/>
        <source>Placeholders: {names}</source>
        <translation>Platzhalter: {names}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="33"/>
        <source>Example destination</source>
        <translation>Beispielziel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="35"/>
        <source>Example:</source>
        <translation>Beispiel:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="37"/>
        <source>When the name is already taken</source>
        <translation>Wenn der Name schon vergeben ist</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="38"/>
        <source>Skip the file if the same one is there</source>
        <translation>Datei überspringen, wenn dieselbe schon da ist</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="39"/>
        <source>Keep both: number the new file</source>
        <translation>Beide behalten: neue Datei nummerieren</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="40"/>
        <source>Replace what is there</source>
        <translation>Vorhandene Datei ersetzen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="42"/>
        <source>Skip: a file already stored with the same size and checksum is not sent again; a different file under that name is reported, not replaced. Through a signing service, which cannot look in its bucket: a file uploaded from this computer before, unchanged since, is not sent again.
Keep both: “photo.jpg” becomes “photo (2).jpg”.
A signing service that does not sign this check into its links decides for itself.</source>
        <translation>Überspringen: Eine bereits gespeicherte Datei mit gleicher Größe und Prüfsumme wird nicht erneut gesendet; eine andere Datei unter diesem Namen wird gemeldet, nicht ersetzt. Über einen Signierdienst, der nicht in seinen Bucket schauen kann: Eine Datei, die von diesem Computer schon gesendet wurde und sich seitdem nicht geändert hat, wird nicht erneut gesendet.
Beide behalten: Aus „photo.jpg“ wird „photo (2).jpg“.
Ein Signierdienst, der diese Prüfung nicht in seine Links signiert, entscheidet selbst.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="47"/>
        <source>If the &amp;name is taken:</source>
        <translation>Wenn der &amp;Name vergeben ist:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="78"/>
        <source>This template cannot be used: {error}</source>
        <translation>Diese Vorlage kann nicht verwendet werden: {error}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/names_tab.py" line="81"/>
        <source>“beach photo.jpg” from the dropped folder “Pictures/Holiday 2024” is stored as:
{key}</source>
        <translation>„beach photo.jpg“ aus dem abgelegten Ordner „Pictures/Holiday 2024“ wird gespeichert als:
{key}</translation>
    </message>
</context>
<context>
    <name>NewPinDialog</name>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="203"/>
        <source>Set the admin PIN</source>
        <translation>Admin-PIN festlegen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="207"/>
        <source>Choose the admin PIN (digits) that protects settings and quitting. Field staff should not know it.</source>
        <translation>Wählen Sie die Admin-PIN (Ziffern), die Einstellungen und Beenden schützt. Das Personal vor Ort sollte sie nicht kennen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="214"/>
        <source>New PIN</source>
        <translation>Neue PIN</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="214"/>
        <source>The same PIN again</source>
        <translation>Dieselbe PIN noch einmal</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="230"/>
        <source>Save PIN</source>
        <translation>PIN speichern</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="241"/>
        <source>The two PINs are not the same.</source>
        <translation>Die beiden PINs stimmen nicht überein.</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <location filename="../../desktop_uploader/gui/notices.py" line="33"/>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/notices.py" line="66"/>
        <source>Some uploads failed</source>
        <translation>Einige Uploads sind fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/notices.py" line="67"/>
        <source>{done} uploaded, {failed} failed. Open the window for details.</source>
        <translation>{done} hochgeladen, {failed} fehlgeschlagen. Details im Fenster.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/notices.py" line="69"/>
        <source>Finished: {done} uploaded, {failed} failed. Select a failed row for details.</source>
        <translation>Fertig: {done} hochgeladen, {failed} fehlgeschlagen. Wählen Sie eine fehlgeschlagene Zeile für Details.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/notices.py" line="72"/>
        <source>Uploads finished</source>
        <translation>Uploads abgeschlossen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/notices.py" line="73"/>
        <source>{done} file(s) uploaded.</source>
        <translation>{done} Datei(en) hochgeladen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/notices.py" line="74"/>
        <source>Finished: {done} file(s) uploaded.</source>
        <translation>Fertig: {done} Datei(en) hochgeladen.</translation>
    </message>
</context>
<context>
    <name>OperatorDialog</name>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="270"/>
        <source>Start of shift</source>
        <translation>Schichtbeginn</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="274"/>
        <source>Who is working this shift?</source>
        <translation>Wer arbeitet in dieser Schicht?</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="278"/>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="279"/>
        <source>Your name</source>
        <translation>Ihr Name</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="287"/>
        <source>Start shift</source>
        <translation>Schicht beginnen</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="65"/>
        <source>{count} minutes</source>
        <translation>{count} Minuten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="67"/>
        <source>1 second</source>
        <translation>1 Sekunde</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="68"/>
        <source>{count} seconds</source>
        <translation>{count} Sekunden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="117"/>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="128"/>
        <source>Admin PIN</source>
        <translation>Admin-PIN</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="82"/>
        <source>Clear</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="87"/>
        <source>Delete last digit</source>
        <translation>Letzte Ziffer löschen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="141"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="143"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="167"/>
        <source>Too many wrong PINs. Try again in {wait}.</source>
        <translation>Zu viele falsche PINs. Versuchen Sie es in {wait} erneut.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/kiosk/dialogs.py" line="192"/>
        <source>That PIN is not right. Please try again.</source>
        <translation>Diese PIN ist nicht richtig. Bitte versuchen Sie es erneut.</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="55"/>
        <source>Waiting</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="56"/>
        <source>Preparing</source>
        <translation>Wird vorbereitet</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="57"/>
        <source>Uploading</source>
        <translation>Wird hochgeladen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="58"/>
        <source>Paused</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="59"/>
        <source>Uploaded</source>
        <translation>Hochgeladen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="60"/>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="61"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="87"/>
        <source>{size}/s</source>
        <translation>{size}/s</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="93"/>
        <source>{n} s</source>
        <translation>{n} s</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="96"/>
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="97"/>
        <source>{h} h {m} min</source>
        <translation>{h} h {m} min</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="186"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="187"/>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="188"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="189"/>
        <source>Speed</source>
        <translation>Geschwindigkeit</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="190"/>
        <source>Time left</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="191"/>
        <source>Stored as</source>
        <translation>Gespeichert als</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="212"/>
        <source>{percent} percent</source>
        <translation>{percent} Prozent</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="242"/>
        <source>Failed: {summary}</source>
        <translation>Fehlgeschlagen: {summary}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="262"/>
        <source>Press Enter for details.</source>
        <translation>Eingabetaste drücken für Details.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="412"/>
        <source>Trying again in {seconds} s</source>
        <translation>Neuer Versuch in {seconds} s</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="422"/>
        <source>Already there; not sent again</source>
        <translation>Schon vorhanden; nicht erneut gesendet</translation>
    </message>
</context>
<context>
    <name>QueueTab</name>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="40"/>
        <source>Upload queue</source>
        <translation>Upload-Warteschlange</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="71"/>
        <source>Pause all</source>
        <translation>Alle anhalten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="72"/>
        <source>Pause every waiting and running upload</source>
        <translation>Alle wartenden und laufenden Uploads anhalten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="73"/>
        <source>Resume all</source>
        <translation>Alle fortsetzen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="75"/>
        <source>Continue every paused upload</source>
        <translation>Alle angehaltenen Uploads fortsetzen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="76"/>
        <source>Retry failed</source>
        <translation>Fehlgeschlagene wiederholen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="77"/>
        <source>Try every failed upload again</source>
        <translation>Alle fehlgeschlagenen Uploads erneut versuchen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="78"/>
        <source>Cancel all</source>
        <translation>Alle abbrechen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="79"/>
        <source>Stop every upload that has not finished</source>
        <translation>Alle nicht abgeschlossenen Uploads abbrechen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="80"/>
        <source>Clear finished</source>
        <translation>Fertige entfernen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="81"/>
        <source>Take uploaded and cancelled files off the list</source>
        <translation>Hochgeladene und abgebrochene Dateien aus der Liste nehmen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="83"/>
        <source>&amp;Details…</source>
        <translation>&amp;Details…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="85"/>
        <source>&amp;Pause</source>
        <translation>&amp;Anhalten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="86"/>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="87"/>
        <source>&amp;Try again</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="88"/>
        <source>&amp;Cancel upload</source>
        <translation>Upload a&amp;bbrechen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="89"/>
        <source>Re&amp;move from list</source>
        <translation>Aus der Liste &amp;entfernen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="91"/>
        <source>&amp;Open containing folder</source>
        <translation>Enthaltenden &amp;Ordner öffnen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="93"/>
        <source>Copy &amp;destination key</source>
        <translation>&amp;Zielschlüssel kopieren</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="162"/>
        <source>Cancel all uploads?</source>
        <translation>Alle Uploads abbrechen?</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_tab.py" line="163"/>
        <source>Stop every upload that has not finished?</source>
        <translation>Alle nicht abgeschlossenen Uploads abbrechen?</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="62"/>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="64"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="90"/>
        <source>What the connection test found</source>
        <translation>Was der Verbindungstest festgestellt hat</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="119"/>
        <source>&amp;Destinations:</source>
        <translation>&amp;Ziele:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="121"/>
        <source>Destinations</source>
        <translation>Ziele</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="126"/>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="127"/>
        <source>Remo&amp;ve</source>
        <translation>Ent&amp;fernen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="128"/>
        <source>Use by &amp;default</source>
        <translation>Als &amp;Standard</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="136"/>
        <source>Test &amp;connection</source>
        <translation>&amp;Verbindung testen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="137"/>
        <source>Upload a tiny test file with these settings (not saved yet) and remove it again where allowed.</source>
        <translation>Mit diesen (noch nicht gespeicherten) Einstellungen eine kleine Testdatei hochladen und, wo erlaubt, wieder entfernen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="143"/>
        <source>Connection test result</source>
        <translation>Ergebnis des Verbindungstests</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="97"/>
        <source>Problem with the settings</source>
        <translation>Problem mit den Einstellungen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="74"/>
        <source>&amp;Destination</source>
        <translation>&amp;Ziel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="76"/>
        <source>File &amp;names</source>
        <translation>Datei&amp;namen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="78"/>
        <source>&amp;Transfers</source>
        <translation>&amp;Übertragung</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="82"/>
        <source>&amp;General</source>
        <translation>&amp;Allgemein</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="155"/>
        <source> (default)</source>
        <translation> (Standard)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/common.py" line="27"/>
        <source>Set by your administrator; it cannot be changed here.</source>
        <translation>Von Ihrer Administration festgelegt; kann hier nicht geändert werden.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="197"/>
        <source>New destination</source>
        <translation>Neues Ziel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="306"/>
        <source>Testing…</source>
        <translation>Wird getestet…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="315"/>
        <source>The connection works: a test file was uploaded in {seconds} s.</source>
        <translation>Die Verbindung funktioniert: Eine Testdatei wurde in {seconds} s hochgeladen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="320"/>
        <source>The connection test failed.</source>
        <translation>Der Verbindungstest ist fehlgeschlagen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="328"/>
        <source>The connection test could not run: {error}</source>
        <translation>Der Verbindungstest konnte nicht ausgeführt werden: {error}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="393"/>
        <source>Starting at login</source>
        <translation>Start beim Anmelden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="394"/>
        <source>Starting at login could not be changed: {error}</source>
        <translation>Der Start beim Anmelden konnte nicht geändert werden: {error}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="410"/>
        <source>Enter the access key ID and the secret access key.</source>
        <translation>Geben Sie die Zugangsschlüssel-ID und den geheimen Zugangsschlüssel ein.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="376"/>
        <source>Settings not saved</source>
        <translation>Einstellungen nicht gespeichert</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/dialog.py" line="377"/>
        <source>The settings file could not be written: {error}</source>
        <translation>Die Einstellungsdatei konnte nicht geschrieben werden: {error}</translation>
    </message>
</context>
<context>
    <name>StatusSummary</name>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="20"/>
        <source>Total progress</source>
        <translation>Gesamtfortschritt</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="25"/>
        <source>Upload status</source>
        <translation>Upload-Status</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="28"/>
        <source>Destination status</source>
        <translation>Status des Ziels</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="35"/>
        <source>Clock status</source>
        <translation>Uhrzeit-Status</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="39"/>
        <source>On mobile data: uploads wait for Wi-Fi</source>
        <translation>Mobile Daten: Uploads warten auf WLAN</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="40"/>
        <source>Network status</source>
        <translation>Netzstatus</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="41"/>
        <source>This computer is on a metered connection (mobile data, a phone&apos;s hotspot). The uploads go on by themselves on Wi-Fi or a wired network. To send now, turn off &quot;Wait for Wi-Fi or a wired network when on mobile data&quot; in Settings, General.</source>
        <translation>Dieser Computer nutzt eine getaktete Verbindung (mobile Daten, den Hotspot eines Telefons). Die Uploads laufen im WLAN oder Kabelnetz von selbst weiter. Um jetzt zu senden, schalten Sie „Bei mobilen Daten auf WLAN oder Kabelnetz warten“ unter Einstellungen, Allgemein aus.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="65"/>
        <source>{done} of {total} uploaded</source>
        <translation>{done} von {total} hochgeladen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="67"/>
        <source>{failed} failed</source>
        <translation>{failed} fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="69"/>
        <source>{paused} paused</source>
        <translation>{paused} angehalten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="73"/>
        <source>{count} at once</source>
        <translation>{count} gleichzeitig</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="75"/>
        <source>about {time} left</source>
        <translation>noch etwa {time}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="80"/>
        <source>{left} left of {total}</source>
        <translation>noch {left} von {total}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="83"/>
        <source>{sent} of {total}</source>
        <translation>{sent} von {total}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="109"/>
        <source>The storage asks to slow down — trying again in {seconds} s</source>
        <translation>Der Speicher bittet um langsameres Senden – neuer Versuch in {seconds} s</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="112"/>
        <source>This network&apos;s way out is not answering — trying again in {seconds} s</source>
        <translation>Der Weg dieses Netzes nach draußen antwortet nicht — neuer Versuch in {seconds} s</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="114"/>
        <source>Storage not reachable — trying again in {seconds} s</source>
        <translation>Speicher nicht erreichbar – neuer Versuch in {seconds} s</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="130"/>
        <source>Clock {minutes} min behind</source>
        <translation>Uhr {minutes} Min. nach</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="131"/>
        <source>This computer&apos;s clock is {minutes} min behind the storage&apos;s. Uploads go on with the storage&apos;s time; set the clock right when you can.</source>
        <translation>Die Uhr dieses Computers geht {minutes} Min. nach gegenüber dem Speicher. Uploads laufen mit der Zeit des Speichers weiter; stellen Sie die Uhr richtig, sobald Sie können.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="134"/>
        <source>Clock {minutes} min ahead</source>
        <translation>Uhr {minutes} Min. vor</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/status_summary.py" line="135"/>
        <source>This computer&apos;s clock is {minutes} min ahead of the storage&apos;s. Uploads go on with the storage&apos;s time; set the clock right when you can.</source>
        <translation>Die Uhr dieses Computers geht {minutes} Min. vor gegenüber dem Speicher. Uploads laufen mit der Zeit des Speichers weiter; stellen Sie die Uhr richtig, sobald Sie können.</translation>
    </message>
</context>
<context>
    <name>SystemNetwork</name>
    <message>
        <location filename="../../desktop_uploader/gui/network.py" line="23"/>
        <source>wired</source>
        <translation>kabelgebunden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/network.py" line="24"/>
        <source>Wi-Fi</source>
        <translation>WLAN</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/network.py" line="25"/>
        <source>mobile data</source>
        <translation>mobile Daten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/network.py" line="26"/>
        <source>Bluetooth</source>
        <translation>Bluetooth</translation>
    </message>
</context>
<context>
    <name>TransfersTab</name>
    <message>
        <location filename="../../desktop_uploader/gui/settings/transfers_tab.py" line="19"/>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/transfers_tab.py" line="20"/>
        <source>Files sent at the same time</source>
        <translation>Gleichzeitig gesendete Dateien</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/transfers_tab.py" line="21"/>
        <source>Applies at once; when lowered, files already on their way finish first.</source>
        <translation>Gilt sofort; wird der Wert gesenkt, werden Dateien, die schon unterwegs sind, noch fertig übertragen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/transfers_tab.py" line="23"/>
        <source>Files sent at the &amp;same time:</source>
        <translation>&amp;Gleichzeitig gesendete Dateien:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/transfers_tab.py" line="27"/>
        <source>Send larger files in parts above</source>
        <translation>Größere Dateien in Teilen senden ab</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings/transfers_tab.py" line="28"/>
        <source>Send in &amp;parts above:</source>
        <translation>In &amp;Teilen senden ab:</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../desktop_uploader/gui/tray.py" line="20"/>
        <source>Show window</source>
        <translation>Fenster anzeigen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/tray.py" line="28"/>
        <source>Desktop Uploader</source>
        <translation>Desktop Uploader</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/tray.py" line="48"/>
        <source>Desktop Uploader – {percent} %: {status}</source>
        <translation>Desktop Uploader – {percent} %: {status}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/tray.py" line="51"/>
        <source>Still uploading</source>
        <translation>Upload läuft weiter</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/tray.py" line="52"/>
        <source>Uploads continue in the background. Use the tray icon to open the window or quit.</source>
        <translation>Die Uploads laufen im Hintergrund weiter. Über das Symbol im Infobereich öffnen Sie das Fenster oder beenden die App.</translation>
    </message>
</context>
</TS>
